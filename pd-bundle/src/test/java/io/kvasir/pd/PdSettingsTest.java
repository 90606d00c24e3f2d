package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PdSettingsTest {

    /** {@code overrides} over this bundle's reference.conf, with the kernel's server.addr. */
    private static Config config(String overrides) {
        return ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseString("server.addr = \"127.0.0.1:20160\""))
                .withFallback(ConfigFactory.parseResources(PdSettingsTest.class.getClassLoader(), "reference.conf"))
                .resolve();
    }

    private static String badKey(String overrides) {
        ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class, () -> PdSettings.from(config(overrides)));
        return e.getMessage();
    }

    @Test
    void defaultsComeFromReferenceConfAndTheNodeAddress() {
        PdSettings s = PdSettings.from(config(""));
        assertEquals("pd-1", s.name());
        assertEquals(List.of("http://127.0.0.1:20160"), s.clientUrls());
        assertEquals(Duration.ofSeconds(3), s.tsoSaveInterval());
        assertEquals(Duration.ofMinutes(30), s.maxStoreDownTime());
        assertEquals(3, s.maxReplicas());
        assertEquals(ScheduleSettings.DEFAULTS, s.schedule(), "reference.conf and DEFAULTS agree");
        assertEquals(GcSettings.DEFAULTS, s.gc(), "reference.conf and DEFAULTS agree");
    }

    @Test
    void gcKeysAreReadAndCheckedByName() {
        assertEquals(new GcSettings(Duration.ofSeconds(5), Duration.ZERO),
                PdSettings.from(config("pd.gc.life-time = 5s, pd.gc.advance-interval = 0s")).gc());
        assertTrue(badKey("pd.gc.life-time = 0s").contains("pd.gc.life-time"));
        assertTrue(badKey("pd.gc.advance-interval = -1s").contains("pd.gc.advance-interval"));
        assertTrue(badKey("pd.gc.advance-interval = often").contains("pd.gc.advance-interval"));
    }

    @Test
    void scheduleKeysAreRead() {
        ScheduleSettings s = PdSettings.from(config("schedule.operator-timeout = 3m, schedule.store-disconnect-time = 1m,"
                + " schedule.replica-schedule-limit = 0, schedule.enable-leader-balance = false,"
                + " schedule.leader-balance-tolerance = 3, schedule.region-leader-transfer-interval = 0s,"
                + " schedule.leader-transfer-rate-limit = 9, replication.location-labels = [zone, host]")).schedule();
        assertEquals(new ScheduleSettings(Duration.ofMinutes(3), Duration.ofMinutes(1), 0, false, 3, Duration.ZERO, 9,
                List.of("zone", "host"), MergeSettings.DEFAULTS), s);
        assertEquals(List.of("zone", "rack"),
                PdSettings.from(config("replication.location-labels = \"zone, rack\"")).schedule().locationLabels());
    }

    @Test
    void mergeKeysHavePdsDefaultsAndAreRead() {
        assertEquals(new MergeSettings(20, 200_000, Duration.ofHours(1), 8, false),
                PdSettings.from(config("")).schedule().merge());
        MergeSettings s = PdSettings.from(config("schedule.max-merge-region-size = 0,"
                + " schedule.max-merge-region-keys = 5, schedule.split-merge-interval = 0s,"
                + " schedule.merge-schedule-limit = 2, schedule.enable-one-way-merge = true")).schedule().merge();
        assertEquals(new MergeSettings(0, 5, Duration.ZERO, 2, true), s);
        assertFalse(s.enabled(), "a max-merge-region-size of 0 turns merging off");
        assertFalse(PdSettings.from(config("schedule.merge-schedule-limit = 0")).schedule().merge().enabled());
    }

    @Test
    void badMergeValuesNameTheirKey() {
        assertTrue(badKey("schedule.max-merge-region-size = -1").contains("schedule.max-merge-region-size"));
        assertTrue(badKey("schedule.max-merge-region-size = big").contains("schedule.max-merge-region-size"));
        assertTrue(badKey("schedule.max-merge-region-keys = -1").contains("schedule.max-merge-region-keys"));
        assertTrue(badKey("schedule.split-merge-interval = -1h").contains("schedule.split-merge-interval"));
        assertTrue(badKey("schedule.split-merge-interval = later").contains("schedule.split-merge-interval"));
        assertTrue(badKey("schedule.merge-schedule-limit = -1").contains("schedule.merge-schedule-limit"));
        assertTrue(badKey("schedule.enable-one-way-merge = sometimes").contains("schedule.enable-one-way-merge"));
    }

    @Test
    void badScheduleValuesNameTheirKey() {
        assertTrue(badKey("schedule.operator-timeout = 10ms").contains("schedule.operator-timeout"));
        assertTrue(badKey("schedule.store-disconnect-time = never").contains("schedule.store-disconnect-time"));
        assertTrue(badKey("schedule.replica-schedule-limit = -1").contains("schedule.replica-schedule-limit"));
        assertTrue(badKey("schedule.enable-leader-balance = maybe").contains("schedule.enable-leader-balance"));
        assertTrue(badKey("schedule.leader-balance-tolerance = -1").contains("schedule.leader-balance-tolerance"));
        assertTrue(badKey("schedule.region-leader-transfer-interval = -1s")
                .contains("schedule.region-leader-transfer-interval"));
        assertTrue(badKey("schedule.leader-transfer-rate-limit = 0").contains("schedule.leader-transfer-rate-limit"));
        assertTrue(badKey("replication.location-labels = [zone, zone]").contains("replication.location-labels"));
        assertTrue(badKey("replication.location-labels = [\"\"]").contains("replication.location-labels"));
    }

    @Test
    void advertisedUrlsMayBeAListOrACommaSeparatedString() {
        assertEquals(List.of("http://10.0.0.1:2379", "https://pd.example:2379"), PdSettings.from(
                config("pd.advertise-client-urls = \"http://10.0.0.1:2379, https://pd.example:2379\"")).clientUrls());
        assertEquals(List.of("http://10.0.0.1:2379"), PdSettings.from(
                config("pd.advertise-client-urls = [\"http://10.0.0.1:2379\"]")).clientUrls());
    }

    @Test
    void overridesAreRead() {
        PdSettings s = PdSettings.from(config("pd.name = pd-7, pd.tso-save-interval = 50ms, replication.max-replicas = 1"));
        assertEquals("pd-7", s.name());
        assertEquals(Duration.ofMillis(50), s.tsoSaveInterval());
        assertEquals(1, s.maxReplicas());
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(badKey("pd.name = \"\"").contains("pd.name"));
        assertTrue(badKey("pd.tso-save-interval = 0s").contains("pd.tso-save-interval"));
        assertTrue(badKey("pd.tso-save-interval = soon").contains("pd.tso-save-interval"));
        assertTrue(badKey("pd.max-store-down-time = -1m").contains("pd.max-store-down-time"));
        assertTrue(badKey("replication.max-replicas = 0").contains("replication.max-replicas"));
        assertTrue(badKey("replication.max-replicas = three").contains("replication.max-replicas"));
        assertTrue(badKey("pd.advertise-client-urls = \"127.0.0.1:2379\"").contains("pd.advertise-client-urls"));
        assertTrue(badKey("pd.advertise-client-urls = []").contains("pd.advertise-client-urls"));
        assertTrue(badKey("server.addr = \"::bad::\"").contains("server.addr"));
    }
}
