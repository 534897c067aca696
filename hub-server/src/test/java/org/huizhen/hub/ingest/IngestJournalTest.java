package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.Durability;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StudyData;
import org.huizhen.storage.index.jdbc.IndexDatabase;
import org.huizhen.storage.index.jdbc.JdbcMetadataIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest journal: what was appended (and so acknowledged) comes back after a crash, a torn
 * last record (never acknowledged) is cut off, and replay never lets an old version overtake a
 * newer one.
 */
class IngestJournalTest {
    @TempDir
    Path dir;

    static InstanceRecord record(String sop, String sha, String name) {
        return new InstanceRecord(
                new Origin("th-01", Protocol.DIMSE, "TH01_CT", "HUIZHEN", "10.0.0.7", Instant.parse("2026-11-22T08:00:00.123456789Z")),
                new PatientData("P-1", null, new PatientName(name, "Wang^XiaoDong", "王^小东", null), LocalDate.of(1970, 1, 2), "M"),
                new StudyData("1.2.3", LocalDate.of(2026, 11, 21), LocalTime.of(10, 11, 12, 500_000_000), "ACC1", null, "胸部CT", null),
                new SeriesData("1.2.3.4", "CT", 2, "CHEST", null),
                new InstanceData(sop, "1.2.840.10008.5.1.4.1.1.2", null, "1.2.840.10008.1.2.1", "ISO_IR 192",
                        BlobId.parse(sha), 1234, sha));
    }

    static String sha(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Test
    void recordsRoundTripWithNullsAndChineseText() throws IOException {
        InstanceRecord r = record("1.2.3.4.5", sha('a'), "Wang^XiaoDong=王^小东");
        // every field, including nulls, nanoseconds and non-ASCII text, must survive the codec
        assertThat(JournalCodec.decode(JournalCodec.encode(r))).isEqualTo(r);
    }

    @Test
    void appendedRecordsAreRecoveredAndATornTailIsCutOff() throws IOException {
        try (IngestJournal j = IngestJournal.open(dir, true)) {
            j.recover();
            j.append(record("1.1", sha('a'), "A"));
            j.append(record("1.2", sha('b'), "B"));
        }
        Path wal = dir.resolve("journal/ingest.wal");
        long complete = Files.size(wal);
        // a crash in the middle of a third append: a length and part of a payload
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(12).putInt(400).putInt(7).putInt(1).flip());
        }
        try (IngestJournal j = IngestJournal.open(dir, true)) {
            List<InstanceRecord> back = j.recover();
            assertThat(back).extracting(r -> r.instance().sopInstanceUid()).containsExactly("1.1", "1.2");
            assertThat(Files.size(wal)).as("torn record removed").isEqualTo(complete);
        }
    }

    @Test
    void aCorruptRecordStopsRecoveryThere() throws IOException {
        try (IngestJournal j = IngestJournal.open(dir, false)) {
            j.recover();
            j.append(record("1.1", sha('a'), "A"));
            j.append(record("1.2", sha('b'), "B"));
        }
        Path wal = dir.resolve("journal/ingest.wal");
        byte[] bytes = Files.readAllBytes(wal);
        bytes[bytes.length - 5] ^= 0x40; // flip a bit in the second record's payload: its CRC no longer matches
        Files.write(wal, bytes);
        try (IngestJournal j = IngestJournal.open(dir, false)) {
            assertThat(j.recover()).extracting(r -> r.instance().sopInstanceUid()).containsExactly("1.1");
        }
    }

    @Test
    void journalIsEmptiedOnceEverythingIsIndexed() throws IOException {
        try (IngestJournal j = IngestJournal.open(dir, true, 0)) {
            j.recover();
            j.append(record("1.1", sha('a'), "A"));
            j.append(record("1.2", sha('b'), "B"));
            j.indexed(1);
            assertThat(Files.size(dir.resolve("journal/ingest.wal"))).as("one still pending").isPositive();
            j.indexed(1);
            assertThat(Files.size(dir.resolve("journal/ingest.wal"))).isZero();
        }
    }

    @Test
    void anIndexedJournalIsKeptUntilItReachesItsTruncationSizeOrCloses() throws IOException {
        Path wal = dir.resolve("journal/ingest.wal");
        try (IngestJournal j = IngestJournal.open(dir, true, 2_000)) {
            j.recover();
            j.append(record("1.1", sha('a'), "A"));
            j.indexed(1);
            long one = Files.size(wal);
            assertThat(one).as("all indexed but below the size: kept (replay would skip it)").isPositive();
            int n = 1;
            while (Files.size(wal) < 2_000) {
                j.append(record("1.1." + n, sha('b'), "B"));
                n++;
            }
            assertThat(j.recover()).as("every record readable").hasSize(n);
            j.indexed(n - 1);
            assertThat(Files.size(wal)).as("all indexed and past the size").isZero();
            j.append(record("1.3", sha('c'), "C"));
            j.indexed(1);
            assertThat(Files.size(wal)).isPositive();
        }
        assertThat(Files.size(wal)).as("a clean close empties it").isZero();
        try (IngestJournal j = IngestJournal.open(dir, true, 2_000)) {
            j.append(record("1.4", sha('d'), "D"));
        }
        assertThat(Files.size(wal)).as("a record not indexed survives close").isPositive();
    }

    @Test
    void replaySkipsWhatIsIndexedAndNeverMakesAnOldVersionCurrent() throws Exception {
        try (JdbcMetadataIndex index = JdbcMetadataIndex.open(IndexDatabase.h2(dir.resolve("index")), Durability.NONE)) {
            InstanceRecord v1 = record("1.9", sha('1'), "A");
            InstanceRecord v2 = record("1.9", sha('2'), "A");
            InstanceRecord other = record("1.10", sha('3'), "A");
            index.store(v1);
            index.store(v2); // v2 current, v1 kept as history
            // the crash left v1, v2 (both indexed) and `other` (not indexed) in the journal
            int stored = BackgroundIndexer.replay(index, List.of(v1, v2, other));
            assertThat(stored).isEqualTo(1);
            assertThat(index.findInstance("1.9").orElseThrow().sha256()).as("v2 stays current").isEqualTo(sha('2'));
            assertThat(index.versionsOf("1.9")).hasSize(2);
            assertThat(index.findInstance("1.10")).isPresent();
        }
    }
}
