package com.example.sensors;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service: starts Spring, lets {@link SensorJobRunner} run the job once, and exits with the job's status.
 * <pre>
 * java -jar target/spring-boot-service.jar --input=data/sensors.csv --output-dir=out [--placement=processes]
 *     [--workers=2]
 * </pre>
 */
@SpringBootApplication
public class SensorServiceApplication {
    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(SensorServiceApplication.class, args)));
    }
}
