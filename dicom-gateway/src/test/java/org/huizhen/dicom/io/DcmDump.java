package org.huizhen.dicom.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;

/**
 * Runs DCMTK's {@code dcmdump} and turns its output, and our parsed {@link DataSet}s, into the
 * same normalised lines "depth tag VR value" so the two can be compared element by element.
 *
 * <p>Normalisation (the reasons are dcmdump's printing rules, not ours): text values are split
 * on '\' and stripped of padding per value; numbers are compared as numbers; binary values as
 * hex; item and delimiter lines become one ITEM marker; lengths are dropped because they depend
 * on the encoding, not the content.
 */
final class DcmDump {

    // "(gggg,eeee) VR value   # len, vm Keyword": the value may contain '#', so match the tail.
    private static final Pattern LINE = Pattern.compile(
            "^( *)\\(([0-9a-f]{4}),([0-9a-f]{4})\\) (\\S\\S) (.*)\\s+#\\s*(u/l|\\d+),\\s*(\\d+) ([^#]+)$");

    record Dump(String transferSyntaxLine, List<String> lines) {
    }

    private DcmDump() {
    }

    /**
     * Runs {@code dcmdump -q +L +U8 -Un} on a file. When dcmdump cannot convert the file's
     * character set (its iconv lacks e.g. ISO 2022 IR 87), the raw dump is used instead and the
     * text of SH/LO/ST/LT/PN/UC/UT is decoded with Java's ISO-2022-JP decoder, another
     * implementation independent of ours.
     */
    static Dump run(Path file, String... extra) throws IOException, InterruptedException {
        Dump converted = parse(new String(exec(file, true, extra), StandardCharsets.UTF_8), null);
        if (!converted.lines().isEmpty()) {
            return converted;
        }
        return parse(new String(exec(file, false, extra), StandardCharsets.ISO_8859_1), java.nio.charset.Charset.forName("ISO-2022-JP"));
    }

    private static byte[] exec(Path file, boolean utf8, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dcmdump", "-q", "+L", "-Un"));
        cmd.addAll(List.of(extra));
        if (utf8) {
            cmd.add("+U8");
        }
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(false).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            out = buf.toByteArray();
        }
        p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("dcmdump did not finish for " + file);
        }
        return out;
    }

    /** Hides line breaks inside values from the line pattern ('.' does not match them). */
    private static String protect(String s) {
        return s.replace("\n", "\u0000").replace("\r", "\u0001");
    }

    static Dump parse(String text, java.nio.charset.Charset rawTextCharset) {
        List<String> lines = new ArrayList<>();
        String ts = "";
        boolean inDataSet = false;
        List<String> joined = new ArrayList<>();
        for (String raw : text.split("\n")) {
            // A text value with line breaks (e.g. UT holding XML) continues on the next lines.
            String last = joined.isEmpty() ? "" : joined.get(joined.size() - 1);
            boolean continuation = last.strip().startsWith("(")
                    && !LINE.matcher(protect(last)).matches();
            if (continuation) {
                joined.set(joined.size() - 1, joined.get(joined.size() - 1) + "\n" + raw);
            } else {
                joined.add(raw);
            }
        }
        for (String raw : joined) {
            if (raw.startsWith("# Dicom-Data-Set")) {
                inDataSet = true;
                continue;
            }
            if (raw.startsWith("# Used TransferSyntax") && inDataSet) {
                ts = raw;
            }
            if (!inDataSet || raw.isBlank() || raw.strip().startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(protect(raw));
            if (!m.matches()) {
                throw new IllegalStateException("unparsed dcmdump line: " + raw);
            }
            int depth = m.group(1).length() / 2;
            String tag = (m.group(2) + m.group(3)).toUpperCase();
            String vr = m.group(4);
            String value = m.group(5).stripTrailing().replace("\u0000", "\n").replace("\u0001", "\r");
            if (tag.equals("FFFEE00D") || tag.equals("FFFEE0DD")) {
                continue;
            }
            if (tag.equals("FFFEE000")) {
                lines.add(depth + " ITEM" + (vr.equals("pi") ? " " + hexBytes(value) : ""));
                continue;
            }
            vr = switch (vr) {
                case "??" -> "UN";
                case "up" -> "UL";
                // dcmdump's name for "US or SS" it could not resolve (Implicit VR); printed unsigned.
                case "xs" -> "US";
                default -> vr;
            };
            if (tag.equals("00080005")) {
                // +U8 makes dcmdump set Specific Character Set to "ISO_IR 192" (adding it where the
                // file has none) after converting text to UTF-8: the line says nothing about the file.
                continue;
            }
            VR v = VR.fromCode(vr).orElse(VR.UN);
            if (rawTextCharset != null && v.isCharsetAffected()) {
                value = new String(value.getBytes(StandardCharsets.ISO_8859_1), rawTextCharset);
            }
            lines.add(depth + " " + tag + " " + vr + " " + normalise(v, value));
        }
        return new Dump(ts, lines);
    }

    private static String normalise(VR vr, String value) {
        if (value.equals("(no value available)")) {
            return "";
        }
        if (value.startsWith("(Sequence with")) {
            return "SEQUENCE";
        }
        if (value.startsWith("(PixelSequence")) {
            return "FRAGMENTS";
        }
        if (vr.isString()) {
            if (!value.startsWith("[") || !value.endsWith("]")) {
                throw new IllegalStateException("unexpected text value " + value);
            }
            return text(vr, value.substring(1, value.length() - 1));
        }
        return switch (vr) {
            case US, SS, UL, SL, SV, UV -> value;
            case FL -> floats(value, true);
            case FD -> floats(value, false);
            case AT -> value.toUpperCase();
            case OW -> words(value);
            default -> hexBytes(value);
        };
    }

    private static String text(VR vr, String s) {
        List<String> values = switch (vr) {
            case LT, ST, UT, UR -> List.of(s);
            default -> List.of(s.split("\\\\", -1));
        };
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(switch (vr) {
                case LT, ST, UT, UC, UR -> v.replaceAll("[ \\x00]+$", "");
                default -> v.replaceAll("\\x00+$", "").strip();
            });
        }
        String joined = String.join("\\", out);
        return joined.replace("\\", "").isEmpty() && out.size() == 1 ? "" : joined;
    }

    private static String floats(String value, boolean single) {
        List<String> out = new ArrayList<>();
        for (String v : value.split("\\\\")) {
            // dcmdump prints 17 (FD) or 8 (FL) digits with its own, not always correctly rounded,
            // conversion and drops the sign of -0, so numbers are compared to 15 (FD) / 6 (FL)
            // significant digits.
            double d = single ? (float) Double.parseDouble(v) : Double.parseDouble(v);
            out.add(d == 0 ? "0" : String.format(java.util.Locale.ROOT, single ? "%.6g" : "%.15g", d));
        }
        return String.join("\\", out);
    }

    private static String hexBytes(String value) {
        if (value.startsWith("(")) {
            return "";
        }
        return value.replace("\\", "").toLowerCase();
    }

    private static String words(String value) {
        if (value.startsWith("(")) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String w : value.split("\\\\")) {
            // dcmdump prints OW as 16-bit words; compare as little endian bytes.
            int v = Integer.parseInt(w, 16);
            sb.append(String.format("%02x%02x", v & 0xFF, v >>> 8));
        }
        return sb.toString();
    }

    /** Our data set in the same normalised form, using the public typed API for values. */
    static List<String> lines(DataSet ds) {
        List<String> out = new ArrayList<>();
        lines(ds, 0, out);
        return out;
    }

    private static void lines(DataSet ds, int depth, List<String> out) {
        for (DicomElement e : ds.elements()) {
            String tag = String.format("%08X", e.tag());
            if (tag.startsWith("0002")) {
                continue;
            }
            VR vr = e.vr();
            String prefix = depth + " " + tag + " " + vr + " ";
            switch (e.value()) {
                case Value.Sequence s -> {
                    out.add(prefix + "SEQUENCE");
                    for (DataSet item : s.items()) {
                        out.add((depth + 1) + " ITEM");
                        lines(item, depth + 2, out);
                    }
                }
                case Fragments f -> {
                    out.add(prefix + "FRAGMENTS");
                    for (Value v : f.items()) {
                        out.add((depth + 1) + " ITEM " + HexFormat.of().formatHex(((Value.Bytes) v).toByteArray()));
                    }
                }
                case BulkData b -> throw new IllegalStateException("comparison needs inline values: " + e);
                case Value.Bytes b -> {
                    if (e.tag() != 0x00080005) {
                        out.add(prefix + value(ds, e));
                    }
                }
            }
        }
    }

    private static String value(DataSet ds, DicomElement e) {
        VR vr = e.vr();
        if (e.value().length() == 0) {
            return "";
        }
        if (vr.isString()) {
            return ds.getStrings(e.tag()).map(l -> String.join("\\", l)).orElse("");
        }
        return switch (vr) {
            case FL, FD -> floats(ds.getStrings(e.tag()).map(l -> String.join("\\", l)).orElse(""), vr == VR.FL);
            case US, SS, UL, SL, SV, UV, AT -> ds.getStrings(e.tag()).map(l -> String.join("\\", l)).orElse("");
            default -> HexFormat.of().formatHex(ds.getBytes(e.tag()).orElseThrow());
        };
    }
}
