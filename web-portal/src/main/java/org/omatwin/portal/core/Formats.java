package org.omatwin.portal.core;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How numbers, networks and times read on the page: numbers as people write them (libphonenumber:
 * national form for the operator's own country, international otherwise), networks by the operator's
 * name for them, times in the subscriber's time zone (the browser's).
 */
public final class Formats {
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm",
            Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    /** The defaults of application.properties (TWIN_PORTAL_OPERATOR_NAME, ...). */
    public static final Formats DEFAULTS = new Formats("Example Mobile",
            "001-01=Example Mobile;234-15=Example Mobile UK", "GB");

    private final String operatorName;
    private final Map<String, String> networks;
    private final String homeRegion;

    /**
     * @param networks "mcc-mnc=name;..." (the operator's names for networks, its own and its partners')
     * @param homeRegion ISO country whose numbers are shown in national form (GB: 07700 900998)
     */
    public Formats(String operatorName, String networks, String homeRegion) {
        this.operatorName = operatorName == null || operatorName.isBlank() ? "Your operator" : operatorName.strip();
        this.networks = Arrays.stream(networks == null ? new String[0] : networks.split(";"))
                .map(String::strip).filter(e -> e.contains("="))
                .collect(Collectors.toUnmodifiableMap(e -> e.substring(0, e.indexOf('=')).strip(),
                        e -> e.substring(e.indexOf('=') + 1).strip(), (a, b) -> a));
        this.homeRegion = homeRegion == null || homeRegion.isBlank() ? "ZZ" : homeRegion.strip().toUpperCase(Locale.ROOT);
    }

    public String operatorName() {
        return operatorName;
    }

    /** A tel: URI as people write the number ("07700 900998" at home, "+1 201-555-0123" abroad); others as given. */
    public String number(String address) {
        if (address == null || !address.startsWith("tel:")) {
            return address == null ? "" : address;
        }
        String digits = address.substring(4);
        try {
            PhoneNumber n = PHONES.parse(digits, "ZZ");
            if (!PHONES.isValidNumber(n)) {
                // no national pattern applies: at least the country apart
                return "+" + n.getCountryCode() + " " + PHONES.getNationalSignificantNumber(n);
            }
            boolean home = n.getCountryCode() == PHONES.getCountryCodeForRegion(homeRegion);
            return PHONES.format(n, home ? PhoneNumberFormat.NATIONAL : PhoneNumberFormat.INTERNATIONAL);
        } catch (NumberParseException e) {
            return digits;
        }
    }

    /** The network's name, from "mcc-mnc"; unknown ones as "network 001-01". */
    public String network(String mccMnc) {
        if (mccMnc == null || mccMnc.isEmpty()) {
            return "";
        }
        return networks.getOrDefault(mccMnc, "network " + mccMnc);
    }

    /** "Sat 28 Nov 2026, 14:05" in the zone. */
    public static String when(Instant at, ZoneId zone) {
        return at == null ? "unknown" : DAY_AND_TIME.format(at.atZone(zone));
    }

    /** "Saturday 28 November 2026" in the zone. */
    public static String day(Instant at, ZoneId zone) {
        return DAY.format(at.atZone(zone));
    }

    /** "14:05" in the zone. */
    public static String time(Instant at, ZoneId zone) {
        return TIME.format(at.atZone(zone));
    }

    /** Without a known zone: UTC, said so. */
    public static String when(Instant at) {
        return at == null ? "unknown" : when(at, ZoneOffset.UTC) + " UTC";
    }
}
