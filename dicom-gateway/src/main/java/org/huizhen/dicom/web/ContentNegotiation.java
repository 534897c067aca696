package org.huizhen.dicom.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Accept header negotiation for DICOMweb (RFC 7231 5.3.1-5.3.2, PS3.18 8.7): picks, from the
 * representations a resource can produce (the offers, most preferred first), the one the client
 * ranks highest.
 *
 * <p>Rules: an offer's quality is the q of the most specific media range that matches it (more
 * parameters and fewer wildcards are more specific); q=0 excludes; ties go to the earlier offer.
 * A range matches an offer when type and subtype match (or are "*") and each parameter of the
 * range other than q and charset has the same value in the offer: "type" is compared as a media
 * type, "transfer-syntax" exactly, and transfer-syntax=* matches any. When a range or an offer
 * for DICOM Part 10 content (application/dicom, or multipart/related with type
 * "application/dicom") has no transfer-syntax, it stands for Explicit VR Little Endian
 * 1.2.840.10008.1.2.1, the default of PS3.18 8.7.3.5.2.
 *
 * <p>Stateless and thread-safe.
 */
public final class ContentNegotiation {

    /** Explicit VR Little Endian: the default transfer syntax of application/dicom (PS3.18 8.7.3.5.2). */
    public static final String DEFAULT_TRANSFER_SYNTAX = "1.2.840.10008.1.2.1";

    /** One media range of an Accept header with its quality. */
    public record MediaRange(MediaType range, double q) {
        /** Wildcards count -1 each, parameters other than q +1 each: higher is more specific. */
        public int specificity() {
            int s = range.parameters().keySet().stream().filter(k -> !k.equals("q")).mapToInt(k -> 1).sum();
            if (range.type().equals("*")) {
                s -= 2;
            } else if (range.subtype().equals("*")) {
                s -= 1;
            }
            return s;
        }
    }

    private ContentNegotiation() {
    }

    /**
     * The media ranges of an Accept header, highest q first (then most specific first). A
     * missing or blank header accepts everything ({@code * / *}, RFC 7231 5.3.2).
     *
     * @throws DicomWebException (400) HZ-5301 for a malformed range, HZ-5302 for a bad q value
     */
    public static List<MediaRange> parseAccept(String accept) {
        if (accept == null || accept.isBlank()) {
            return List.of(new MediaRange(new MediaType("*", "*", Map.of()), 1.0));
        }
        List<MediaRange> out = new ArrayList<>();
        for (MediaType m : MediaType.parseList(accept)) {
            double q = 1.0;
            Optional<String> qs = m.parameter("q");
            if (qs.isPresent()) {
                if (!qs.get().matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
                    throw new DicomWebException(400, "HZ-5302", "invalid q value \"" + qs.get() + "\" in Accept: " + accept);
                }
                q = Double.parseDouble(qs.get());
            }
            out.add(new MediaRange(m, q));
        }
        out.sort(Comparator.comparingDouble(MediaRange::q).reversed()
                .thenComparing(Comparator.comparingInt(MediaRange::specificity).reversed()));
        return List.copyOf(out);
    }

    /** The best offer for the Accept header, if any is acceptable. */
    public static Optional<MediaType> choose(String accept, List<MediaType> offers) {
        return choose(parseAccept(accept), offers);
    }

    /** The best offer for the parsed ranges, if any is acceptable. */
    public static Optional<MediaType> choose(List<MediaRange> ranges, List<MediaType> offers) {
        MediaType best = null;
        double bestQ = 0;
        for (MediaType offer : offers) {
            MediaRange match = null;
            for (MediaRange r : ranges) {
                if (matches(r.range(), offer) && (match == null || r.specificity() > match.specificity())) {
                    match = r;
                }
            }
            if (match != null && match.q() > bestQ) {
                best = offer;
                bestQ = match.q();
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The best offer, or a 406 Not Acceptable.
     *
     * @throws DicomWebException (406, HZ-5303) if no offer is acceptable
     */
    public static MediaType chooseOrThrow(String accept, List<MediaType> offers) {
        return choose(accept, offers).orElseThrow(() -> new DicomWebException(406, "HZ-5303",
                "none of " + offers + " is acceptable to Accept: " + accept));
    }

    /** Whether the media range (from Accept) matches the concrete offer; see the class comment. */
    public static boolean matches(MediaType range, MediaType offer) {
        if (!range.type().equals("*") && !range.type().equals(offer.type())) {
            return false;
        }
        if (!range.subtype().equals("*") && !range.subtype().equals(offer.subtype())) {
            return false;
        }
        for (Map.Entry<String, String> p : range.parameters().entrySet()) {
            String name = p.getKey();
            switch (name) {
                case "q", "charset", "boundary" -> {
                    // not a property of the representation chosen here
                }
                case "type" -> {
                    Optional<String> o = offer.parameter("type");
                    if (o.isEmpty() || !sameType(p.getValue(), o.get())) {
                        return false;
                    }
                }
                case "transfer-syntax" -> {
                    String want = p.getValue().strip();
                    if (!want.equals("*") && !want.equals(transferSyntax(offer).orElse(""))) {
                        return false;
                    }
                }
                default -> {
                    Optional<String> o = offer.parameter(name);
                    if (o.isEmpty() || !o.get().equalsIgnoreCase(p.getValue())) {
                        return false;
                    }
                }
            }
        }
        if (!range.parameters().containsKey("transfer-syntax") && isPart10(range) && isPart10(offer)) {
            // No transfer-syntax asked for: only the default one is acceptable (PS3.18 8.7.3.5.2).
            return transferSyntax(offer).orElse("").equals(DEFAULT_TRANSFER_SYNTAX);
        }
        return true;
    }

    /** The transfer syntax a DICOM media type stands for: its parameter, or the default for Part 10 content. */
    public static Optional<String> transferSyntax(MediaType m) {
        Optional<String> ts = m.parameter("transfer-syntax").map(String::strip);
        if (ts.isPresent()) {
            return ts;
        }
        return isPart10(m) ? Optional.of(DEFAULT_TRANSFER_SYNTAX) : Optional.empty();
    }

    private static boolean isPart10(MediaType m) {
        if (m.essence().equals("application/dicom")) {
            return true;
        }
        return m.essence().equals("multipart/related")
                && m.parameter("type").map(t -> sameType(t, "application/dicom")).orElse(false);
    }

    private static boolean sameType(String a, String b) {
        try {
            return MediaType.parse(a).sameTypeAs(MediaType.parse(b));
        } catch (DicomWebException malformed) {
            return a.strip().toLowerCase(Locale.ROOT).equals(b.strip().toLowerCase(Locale.ROOT));
        }
    }
}
