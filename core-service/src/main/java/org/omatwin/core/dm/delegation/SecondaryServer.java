package org.omatwin.core.dm.delegation;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.omatwin.core.dm.policy.Policies;

/**
 * A secondary DM server (dm-api.md section 11, MDM1-MDM3): an enterprise's or another operator's DM
 * server that asks this one to conduct operations on its behalf. It is known only by a client
 * certificate chaining to its own CA ({@code trustAnchors}) and carrying {@code certificateName}; to the
 * rest of device management it is the DMWSI client {@link #clientId()}, so its policy (section 6), its
 * pseudonyms, its transaction log and its jobs are those of that client.
 *
 * @param name the operator's name for it (TWIN_DM_SECONDARIES), lower case letters, digits and '-'
 */
public record SecondaryServer(String name, Path trustAnchors, String certificateName) {
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public SecondaryServer {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a secondary DM server's name is lower case letters, digits and '-' "
                    + "(at most 63), got '" + name + "'");
        }
    }

    /** The DMWSI client it acts as: its policy is the one the policy file gives this id. */
    public String clientId() {
        return Policies.SECONDARY_SERVER_PREFIX + name;
    }

    /** The prefix of its settings: TWIN_DM_SECONDARY_{NAME}_ (CA, NAME), '-' written '_'. */
    public static String variablePrefix(String name) {
        return "TWIN_DM_SECONDARY_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }
}
