package org.huizhen.storage.index;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Parses the DA, TM and IS values of {@link Match} matchers (PS3.5 6.2). Throws
 * {@link IllegalArgumentException} with an {@code HZ-2110} message for a malformed value, which
 * a C-FIND SCP reports as an identifier that does not match the SOP class and QIDO-RS as 400.
 *
 * <p>Stateless; thread-safe.
 */
public final class QueryValues {

    private QueryValues() {
    }

    /** A DA value {@code YYYYMMDD} (the ACR-NEMA form {@code YYYY.MM.DD} is accepted too). */
    public static LocalDate date(String value) {
        String v = value.strip().replace(".", "");
        if (v.length() != 8 || !v.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("HZ-2110 not a DA value (YYYYMMDD): '" + value + "'");
        }
        try {
            return LocalDate.of(Integer.parseInt(v.substring(0, 4)), Integer.parseInt(v.substring(4, 6)),
                    Integer.parseInt(v.substring(6, 8)));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("HZ-2110 not a valid date: '" + value + "'", e);
        }
    }

    /** Earliest time a TM value names: {@code 0930} is 09:30:00. */
    public static LocalTime timeFrom(String value) {
        return parseTime(value).start();
    }

    /**
     * Latest time a TM value names, to the microsecond both databases keep: {@code 0930} is
     * 09:30:59.999999, {@code 093015.5} is 09:30:15.599999.
     */
    public static LocalTime timeTo(String value) {
        Span s = parseTime(value);
        LocalTime end = s.start().plus(s.unitNanos - 1, ChronoUnit.NANOS);
        return end.truncatedTo(ChronoUnit.MICROS);
    }

    /** An IS value. */
    public static int integer(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("HZ-2110 not an IS value: '" + value + "'", e);
        }
    }

    private record Span(LocalTime start, long unitNanos) {
    }

    /** TM is {@code HH[MM[SS[.F{1,6}]]]}; colons of the old {@code HH:MM:SS} form are ignored. */
    private static Span parseTime(String value) {
        String v = value.strip().replace(":", "");
        String whole = v;
        String fraction = "";
        int dot = v.indexOf('.');
        if (dot >= 0) {
            whole = v.substring(0, dot);
            fraction = v.substring(dot + 1);
        }
        boolean ok = (whole.length() == 2 || whole.length() == 4 || whole.length() == 6)
                && whole.chars().allMatch(Character::isDigit)
                && (dot < 0 || (whole.length() == 6 && !fraction.isEmpty() && fraction.length() <= 6
                        && fraction.chars().allMatch(Character::isDigit)));
        if (!ok) {
            throw new IllegalArgumentException("HZ-2110 not a TM value (HH[MM[SS[.F]]]): '" + value + "'");
        }
        try {
            int hour = Integer.parseInt(whole.substring(0, 2));
            int minute = whole.length() >= 4 ? Integer.parseInt(whole.substring(2, 4)) : 0;
            int second = whole.length() == 6 ? Integer.parseInt(whole.substring(4, 6)) : 0;
            long unit;
            int nanos = 0;
            if (!fraction.isEmpty()) {
                nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
                unit = (long) Math.pow(10, 9 - fraction.length());
            } else {
                unit = switch (whole.length()) {
                    case 2 -> 3_600_000_000_000L;
                    case 4 -> 60_000_000_000L;
                    default -> 1_000_000_000L;
                };
            }
            // PS3.5 6.2 allows 60 for a leap second; the databases do not: treat it as 59.
            return new Span(LocalTime.of(hour, minute, Math.min(second, 59), nanos), unit);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("HZ-2110 not a valid time: '" + value + "'", e);
        }
    }
}
