package org.huizhen.storage.index.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import javax.sql.DataSource;

/** The ECG record contract on embedded H2 in a temp directory. */
class H2EcgIndexTest extends EcgIndexContract {
    private Path dir;

    @Override
    DataSource newDataSource() throws Exception {
        dir = Files.createTempDirectory("hz-ecg-h2");
        return IndexDatabase.h2(dir);
    }

    @Override
    void dropDatabase() throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
