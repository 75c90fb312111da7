package dev.hybridetl.flights;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class GreatCircleTest {

    private static long exactTenths(double gc) {
        return new BigDecimal(gc).setScale(1, RoundingMode.HALF_EVEN).unscaledValue().longValueExact();
    }

    @Test
    void shouldRoundTheExactDecimalValueHalfEvenWhenNearATie() {
        assertThat(GreatCircle.tenths(0.25)).isEqualTo(2);   // exact tie: to even
        assertThat(GreatCircle.tenths(0.75)).isEqualTo(8);   // exact tie: to even
        assertThat(GreatCircle.tenths(0.35)).isEqualTo(3);   // the double is 0.34999999999999997...
        assertThat(GreatCircle.tenths(0.45)).isEqualTo(5);   // the double is 0.45000000000000001...
        assertThat(GreatCircle.tenths(2171.35)).isEqualTo(exactTenths(2171.35));
        assertThat(GreatCircle.tenths(0.0)).isZero();
    }

    @Test
    void shouldEqualBigDecimalRoundingForManyDistances() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            double gc = random.nextDouble() * 13_000;
            double nearTie = (Math.floor(gc * 10) + 0.5) / 10;
            assertThat(GreatCircle.tenths(gc)).as("gc=%s", gc).isEqualTo(exactTenths(gc));
            assertThat(GreatCircle.tenths(nearTie)).as("gc=%s", nearTie).isEqualTo(exactTenths(nearTie));
        }
    }

    @Test
    void shouldGiveZeroAngleWhenBothEndsAreTheSameAirport() {
        double phi = 33.94 * GreatCircle.D2R;
        double lam = -118.4 * GreatCircle.D2R;
        assertThat(GreatCircle.omega(phi, lam, phi, lam)).isZero();
    }
}
