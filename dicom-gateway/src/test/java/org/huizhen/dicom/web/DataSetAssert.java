package org.huizhen.dicom.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.PersonName;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;

/**
 * Compares two data sets by meaning: same tags and VRs at every level; text compared as decoded
 * (so a re-encoding with another character set or other padding is equal), IS/DS as numbers, PN
 * as parsed names; binary values byte for byte; bulk values by identity of the resolved value.
 */
final class DataSetAssert {

    private DataSetAssert() {
    }

    static void assertSameContent(DataSet actual, DataSet expected, String where) {
        List<Integer> at = actual.elements().stream().map(DicomElement::tag).toList();
        List<Integer> et = expected.elements().stream().map(DicomElement::tag).toList();
        assertThat(at).as("tags at %s", where).containsExactlyElementsOf(et);
        for (DicomElement e : expected.elements()) {
            DicomElement a = actual.get(e.tag()).orElseThrow();
            String w = where + "/" + Tag.toString(e.tag());
            assertThat(a.vr()).as("VR of %s", w).isEqualTo(e.vr());
            compareValue(actual, a, expected, e, w);
        }
    }

    private static void compareValue(DataSet actualDs, DicomElement a, DataSet expectedDs, DicomElement e, String w) {
        if (e.vr() == VR.SQ) {
            List<DataSet> ei = expectedDs.getSequence(e.tag()).orElseThrow();
            List<DataSet> ai = actualDs.getSequence(a.tag()).orElseThrow();
            assertThat(ai).as("items of %s", w).hasSameSizeAs(ei);
            for (int i = 0; i < ei.size(); i++) {
                assertSameContent(ai.get(i), ei.get(i), w + "[" + i + "]");
            }
            return;
        }
        if (!(e.value() instanceof Value.Bytes) || !(a.value() instanceof Value.Bytes)) {
            // Bulk data went out as a URI and came back through the resolver: the very same value.
            assertThat(a.value()).as("bulk value of %s", w).isSameAs(e.value());
            return;
        }
        if (e.vr().isString()) {
            List<String> ev = expectedDs.getStrings(e.tag()).orElse(List.of());
            List<String> av = actualDs.getStrings(a.tag()).orElse(List.of());
            if (ev.stream().allMatch(String::isEmpty)) {
                assertThat(av).as("empty value of %s", w).allMatch(String::isEmpty);
                return;
            }
            assertThat(av).as("values of %s", w).hasSameSizeAs(ev);
            for (int i = 0; i < ev.size(); i++) {
                String x = ev.get(i);
                String y = av.get(i);
                if ((e.vr() == VR.IS || e.vr() == VR.DS) && isNumber(x)) {
                    assertThat(new BigDecimal(y.startsWith("+") ? y.substring(1) : y))
                            .as("number %d of %s", i, w).isEqualByComparingTo(new BigDecimal(x.startsWith("+") ? x.substring(1) : x));
                } else if (e.vr() == VR.PN) {
                    assertThat(PersonName.parseLenient(y)).as("name %d of %s", i, w).isEqualTo(PersonName.parseLenient(x));
                } else {
                    assertThat(y).as("value %d of %s", i, w).isEqualTo(x);
                }
            }
            return;
        }
        assertThat(((Value.Bytes) a.value()).toByteArray()).as("bytes of %s", w)
                .isEqualTo(((Value.Bytes) e.value()).toByteArray());
    }

    private static boolean isNumber(String s) {
        try {
            new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
