package org.huizhen.dicom.ecg.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgDevice;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgPatient;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.ReadOptions;

/**
 * Test-side extractor for the one shared DICOM ECG ({@code ecg/waveform_ecg.dcm}) while no DICOM
 * ECG reader is registered in {@code EcgReaders} on this branch: the first multiplex group of the
 * Waveform Sequence (PS3.3 C.10.9), 16-bit signed (SS) interleaved samples, leads named by their
 * SCP-ECG channel source codes ("5.6.3-9-n", PS3.16 CID 3001), values × Channel Sensitivity ×
 * Correction Factor + Channel Baseline in µV (PS3.3 C.10.9.1.4.3). Only what this file needs; the
 * real reader belongs to the DICOM ECG format's own helper.
 */
final class DicomWaveformFixture {
    private DicomWaveformFixture() {
    }

    static Ecg read(Path file) throws IOException {
        DataSet ds = DicomReader.readFile(file, ReadOptions.DEFAULT).dataSet();
        DataSet group = ds.getSequence(Tag.WaveformSequence).orElseThrow().get(0);
        int channels = group.getInt(Tag.NumberOfWaveformChannels).orElseThrow();
        int samples = group.getInt(Tag.NumberOfWaveformSamples).orElseThrow();
        double fs = group.getDouble(Tag.SamplingFrequency).orElseThrow();
        if (group.getInt(Tag.WaveformBitsAllocated).orElseThrow() != 16
                || !"SS".equals(group.getString(Tag.WaveformSampleInterpretation).orElseThrow())) {
            throw new IllegalStateException("fixture handles 16-bit SS waveforms only");
        }
        ByteBuffer data = ByteBuffer.wrap(group.getBytes(Tag.WaveformData).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN);
        List<DataSet> defs = group.getSequence(Tag.ChannelDefinitionSequence).orElseThrow();
        List<Lead> leads = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            DataSet def = defs.get(c);
            String code = def.getSequence(Tag.ChannelSourceSequence).orElseThrow().get(0).getString(Tag.CodeValue)
                    .orElseThrow();
            LeadName name = LeadName.fromScpCode(Integer.parseInt(code.substring(code.lastIndexOf('-') + 1)))
                    .orElse(LeadName.OTHER);
            double scale = def.getDouble(Tag.ChannelSensitivity).orElse(1.0)
                    * def.getDouble(Tag.ChannelSensitivityCorrectionFactor).orElse(1.0);
            double baseline = def.getDouble(Tag.ChannelBaseline).orElse(0.0);
            float[] uv = new float[samples];
            for (int s = 0; s < samples; s++) {
                uv[s] = (float) (data.getShort((s * channels + c) * 2) * scale + baseline);
            }
            leads.add(new Lead(name, name.label(), uv, false));
        }
        String sex = ds.getString(Tag.PatientSex).orElse(null);
        LocalDate birth = ds.getString(Tag.PatientBirthDate).map(d -> LocalDate.parse(d, DateTimeFormatter.BASIC_ISO_DATE))
                .orElse(null);
        LocalDateTime acquired = ds.getString(Tag.AcquisitionDateTime)
                .map(d -> LocalDateTime.parse(d.substring(0, 14), DateTimeFormatter.ofPattern("yyyyMMddHHmmss")))
                .orElse(null);
        return new Ecg(EcgFormat.DICOM, acquired,
                new EcgPatient(ds.getString(Tag.PatientID).orElse(null), ds.getString(Tag.PatientName).orElse(null), sex,
                        birth, null),
                new EcgDevice(ds.getString(Tag.Manufacturer).orElse(null), ds.getString(Tag.ManufacturerModelName).orElse(null),
                        null, null),
                new EcgWaveform(fs, leads), Optional.empty(), null, List.of(), null);
    }
}
