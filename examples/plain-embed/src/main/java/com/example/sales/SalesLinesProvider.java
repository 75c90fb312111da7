package com.example.sales;

import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformProvider;

import java.util.Map;

/**
 * Plugin {@code sales-lines}, registered in {@code META-INF/services/dev.hybridetl.api.TransformProvider}: that
 * file is what lets a worker process build the transform from its id alone.
 */
public final class SalesLinesProvider implements TransformProvider {
    /** The plugin id a stage names: {@code Stage.plugin(SalesLinesProvider.ID)}. */
    public static final String ID = "sales-lines";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "order lines CSV -> JSON lines with net, tax and gross amounts; bad rows rejected with a reason";
    }

    @Override
    public Map<String, String> configKeys() {
        return Map.of(SalesLinesTransform.TAX_RATES_KEY, "REGION:BASIS_POINTS,... (default "
                + SalesLinesTransform.DEFAULT_TAX_RATES + ")");
    }

    @Override
    public Transform create() {
        return new SalesLinesTransform();
    }
}
