package org.huizhen.dicom.ecg.measure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.ReadOptions;

/**
 * Test-only access to the shared DICOM 12-lead ECG. When the project's DICOM ECG reader is
 * registered ({@link EcgReaders#readers()} not empty) it is used; until then (it is being written
 * on another branch) this minimal extractor reads the rhythm group through the project's DICOM
 * reader: WaveformSequence item 0, 16-bit signed interleaved samples × ChannelSensitivity ×
 * correction factor (µV for this file), lead names from the channel source's code meaning
 * (PS3.3 C.10.9.1). It is not a general reader: no other bit depths, no multiple groups.
 */
final class DicomEcgFixture {
    private DicomEcgFixture() {
    }

    static Ecg read(Path file) throws Exception {
        if (!EcgReaders.readers().isEmpty()) {
            return EcgReaders.read(file);
        }
        DataSet ds = DicomReader.readFile(file, ReadOptions.DEFAULT).dataSet();
        DataSet g = ds.getSequence(Tag.WaveformSequence).orElseThrow().get(0);
        int nch = g.getInt(Tag.NumberOfWaveformChannels).orElseThrow();
        int ns = g.getInt(Tag.NumberOfWaveformSamples).orElseThrow();
        double fs = g.getDouble(Tag.SamplingFrequency).orElseThrow();
        List<DataSet> defs = g.getSequence(Tag.ChannelDefinitionSequence).orElseThrow();
        byte[] data = g.getBytes(Tag.WaveformData).orElseThrow();
        ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<Lead> leads = new ArrayList<>();
        for (int c = 0; c < nch; c++) {
            DataSet d = defs.get(c);
            double sens = d.getDouble(Tag.ChannelSensitivity).orElse(1.0)
                    * d.getDouble(Tag.ChannelSensitivityCorrectionFactor).orElse(1.0);
            double base = d.getDouble(Tag.ChannelBaseline).orElse(0.0);
            String label = d.getSequence(Tag.ChannelSourceSequence).orElseThrow().get(0).getString(Tag.CodeMeaning)
                    .orElse("?");
            LeadName name = LeadName.fromLabel(label.replace("(Einthoven)", "")).orElse(LeadName.OTHER);
            float[] s = new float[ns];
            for (int i = 0; i < ns; i++) {
                s[i] = (float) ((bb.getShort((i * nch + c) * 2) + base) * sens);
            }
            leads.add(new Lead(name, label, s, false));
        }
        return new Ecg(EcgFormat.DICOM, null, null, null, new EcgWaveform(fs, leads), Optional.empty(), null, List.of(),
                null);
    }

    static Path waveformEcg() {
        return org.huizhen.dicom.ecg.EcgTestFiles.ecg("waveform_ecg.dcm");
    }

    static Ecg readUnchecked(Path p) {
        try {
            return read(p);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
