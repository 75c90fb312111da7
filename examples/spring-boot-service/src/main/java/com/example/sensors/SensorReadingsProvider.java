package com.example.sensors;

import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformProvider;

/**
 * Plugin {@code sensor-readings}, registered in {@code META-INF/services/dev.hybridetl.api.TransformProvider}: a
 * worker process builds the transform from this id, so the class must be on the worker's class path, which for
 * this service means inside the executable jar's own classes.
 */
public final class SensorReadingsProvider implements TransformProvider {
    /** The plugin id a stage names. */
    public static final String ID = "sensor-readings";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "sensor readings CSV -> JSON lines with Fahrenheit and a status; bad readings rejected with a reason";
    }

    @Override
    public Transform create() {
        return new SensorReadingsTransform();
    }
}
