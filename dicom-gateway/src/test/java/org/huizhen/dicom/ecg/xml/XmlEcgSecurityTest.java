package org.huizhen.dicom.ecg.xml;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgReaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The XML readers against hostile documents: external entities (XXE) pointing at a local file,
 * external DTDs and parameter entities pointing at a local listener, and entity expansion bombs.
 */
class XmlEcgSecurityTest {
    private static final String SECRET = "HZ-SECRET-4711";

    /** Where each format gets a DOCTYPE and an entity reference in a text field that ends up in the model. */
    enum Carrier {
        AECG("aecg_FDA_subject1_0.xml", UTF_8, "AnnotatedECG", "<AnnotatedECG xmlns", "<name>Clark</name>", "<name>&xxe;</name>"),
        MUSE("muse_braveheart_example1.xml", ISO_8859_1, "RestingECG", "<RestingECG>", "<PharmaCartID>SKJ18310123PA</PharmaCartID>",
                "<PharmaCartID>&xxe;</PharmaCartID>"),
        SIERRA("philips_sierra_129DYPRG.XML", UTF_8, "restingecgdata", "<restingecgdata ", ">HeartstartMRx</machine>",
                ">&xxe;</machine>");

        final String file;
        final Charset cs;
        final String root;
        final String rootTag;
        final String field;
        final String withEntity;

        Carrier(String file, Charset cs, String root, String rootTag, String field, String withEntity) {
            this.file = file;
            this.cs = cs;
            this.root = root;
            this.rootTag = rootTag;
            this.field = field;
            this.withEntity = withEntity;
        }

        /** The file with {@code doctype} in place of its own (MUSE) or before the root, and the entity referenced. */
        byte[] with(String doctype) {
            String s = XmlTestFiles.text(file, cs).replace("<!DOCTYPE RestingECG SYSTEM \"restecg.dtd\">", "");
            int r = s.indexOf(rootTag);
            s = s.substring(0, r) + doctype + "\n" + s.substring(r);
            assertThat(s).contains(field);
            return s.replace(field, withEntity).getBytes(cs);
        }
    }

    @ParameterizedTest
    @EnumSource(Carrier.class)
    void externalEntityDoesNotReadALocalFile(Carrier c, @TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
        byte[] xxe = c.with("<!DOCTYPE " + c.root + " [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>");

        try {
            Ecg ecg = EcgReaders.read(xxe, "xxe.xml");
            // read without the entity: the secret appears nowhere in the model
            assertThat(ecg.patient().toString() + ecg.device() + ecg.deviceStatements()).doesNotContain(SECRET);
        } catch (EcgParseException refused) {
            assertThat(refused.getMessage()).startsWith("HZ-700").doesNotContain(SECRET);
        }
    }

    @ParameterizedTest
    @EnumSource(Carrier.class)
    void noExternalDtdOrParameterEntityIsFetched(Carrier c) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String base = "http://127.0.0.1:" + listener.getLocalPort();
            String[] doctypes = {
                "<!DOCTYPE " + c.root + " SYSTEM \"" + base + "/restecg.dtd\">",
                "<!DOCTYPE " + c.root + " [<!ENTITY % remote SYSTEM \"" + base + "/p.dtd\"> %remote;]>",
                "<!DOCTYPE " + c.root + " [<!ENTITY xxe SYSTEM \"" + base + "/e.txt\">]>",
            };
            for (String doctype : doctypes) {
                byte[] file = c.with(doctype);
                // a parser that connected would wait for an HTTP answer that never comes: bound the whole read
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                    try {
                        EcgReaders.read(file, "remote.xml");
                    } catch (EcgParseException refused) {
                        assertThat(refused.getMessage()).startsWith("HZ-700");
                    }
                }, doctype);
                // a connection attempt completes in the kernel's backlog before the parser goes on, so by now it
                // would be waiting to be accepted; a short accept timeout suffices to see there is none
                listener.setSoTimeout(50);
                assertThatThrownBy(listener::accept).as(doctype).isInstanceOf(SocketTimeoutException.class);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Carrier.class)
    void entityExpansionBombIsRefused(Carrier c) {
        StringBuilder dt = new StringBuilder("<!DOCTYPE " + c.root + " [<!ENTITY l0 \"lol\">");
        for (int i = 1; i <= 10; i++) {
            dt.append("<!ENTITY l").append(i).append(" \"");
            dt.append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dt.append("<!ENTITY xxe \"&l10;\">]>");
        byte[] bomb = c.with(dt.toString());

        // 10^10 expansions if expanded; a DOCTYPE declaring entities is refused before anything is expanded
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> EcgReaders.read(bomb, "bomb.xml"))
                .isInstanceOf(EcgParseException.class).hasMessageStartingWith("HZ-7002"));
    }

    @Test
    void deeplyNestedDocumentIsRefusedNotAStackOverflow() {
        String deep = "<RestingECG>" + "<a>".repeat(5000) + "</a>".repeat(5000) + "</RestingECG>";
        assertThatThrownBy(() -> new GeMuseXmlReader().read(deep.getBytes(UTF_8))).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7002");
    }

    @Test
    void documentsOverTheXmlLimitAreRefusedBeforeParsing() {
        byte[] big = new byte[SafeXml.MAX_XML_BYTES + 1];
        assertThatThrownBy(() -> SafeXml.parse(big, "test")).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7005");
    }
}
