package org.huizhen.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VRTest {

    @Test
    void coversEveryVrOfTheCurrentStandard() {
        // PS3.5 Table 6.2-1 (2024): 34 VRs.
        assertThat(VR.values()).extracting(Enum::name).containsExactlyInAnyOrder("AE", "AS", "AT", "CS", "DA", "DS",
                "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS",
                "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV");
    }

    @ParameterizedTest
    @EnumSource(VR.class)
    void explicitHeaderIsTwelveBytesExactlyForTheVrsWithAReservedField(VR vr) {
        // PS3.5 7.1.2: OB OD OF OL OV OW SQ SV UC UN UR UT UV have a reserved field and 32-bit length.
        Set<VR> longOnes = EnumSet.of(VR.OB, VR.OD, VR.OF, VR.OL, VR.OV, VR.OW, VR.SQ, VR.SV, VR.UC, VR.UN, VR.UR,
                VR.UT, VR.UV);
        assertThat(vr.explicitHeaderLength()).isEqualTo(longOnes.contains(vr) ? 12 : 8);
    }

    @ParameterizedTest
    @EnumSource(VR.class)
    void textIsPaddedWithSpaceAndUidAndBinaryWithNul(VR vr) {
        // PS3.5 6.2: UI pads with NUL, other text with space, binary with NUL.
        byte expected = vr.isString() && vr != VR.UI ? (byte) ' ' : 0;
        assertThat(vr.paddingByte()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(VR.class)
    void onlyShLoStLtPnUcUtUseSpecificCharacterSet(VR vr) {
        assertThat(vr.isCharsetAffected())
                .isEqualTo(EnumSet.of(VR.SH, VR.LO, VR.ST, VR.LT, VR.PN, VR.UC, VR.UT).contains(vr));
    }

    @ParameterizedTest
    @EnumSource(VR.class)
    void codeRoundTrips(VR vr) {
        assertThat(VR.fromCode(vr.name())).contains(vr);
        assertThat(VR.fromCode(vr.name().charAt(0), vr.name().charAt(1))).contains(vr);
    }

    @Test
    void unknownCodesAreEmpty() {
        assertThat(VR.fromCode("XX")).isEmpty();
        assertThat(VR.fromCode(0, 0x4C)).isEmpty();
        assertThat(VR.fromCode("U")).isEmpty();
    }

    @Test
    void byteSwapUnitsFollowTheValueWidth() {
        assertThat(VR.OW.swapUnit()).isEqualTo(2);
        assertThat(VR.AT.swapUnit()).isEqualTo(2);
        assertThat(VR.FD.swapUnit()).isEqualTo(8);
        assertThat(VR.OB.swapUnit()).isEqualTo(1);
        assertThat(VR.UN.swapUnit()).isEqualTo(1);
    }
}
