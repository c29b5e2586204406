package io.lakemirror.config;

import java.util.List;

/** Generates the configuration reference ({@code docs/configuration.md}) from the key declarations. */
public final class ConfigReference {
    private ConfigReference() {
    }

    public static String markdown() {
        return markdown(ConfigKeys.ALL);
    }

    static String markdown(List<ConfigKey<?>> keys) {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
                .append("<!-- Generated from io.lakemirror.config.ConfigKeys by `bin/replication config reference`;"
                        + " do not edit by hand. -->\n\n")
                .append("The service reads a YAML file (`--config FILE`) and then environment variables, which win:"
                        + " `REPLICATION_` + the key in upper case with `.` replaced by `_`"
                        + " (for example `REPLICATION_VALIDATOR_NUM_WORKERS=8`). Mappings such as `dst_endpoints`"
                        + " take `region=value` pairs separated by commas from the environment. Durations are written"
                        + " `500ms`, `20s`, `1m`, `1h` or combined (`1m30s`). Startup lists every problem at once and"
                        + " exits with status 2; secrets are masked wherever configuration is printed or logged.\n\n")
                .append("Check a file with `bin/replication config check --config FILE`.\n\n")
                .append("| key | type | default | environment | description |\n")
                .append("|---|---|---|---|---|\n");
        for (ConfigKey<?> key : keys) {
            String def = key.isRequired() ? "**required**" : key.defaultDescription().isEmpty() ? "" : "`" + key.defaultDescription() + "`";
            if (!key.isRequired() && key.defaultDescription().startsWith("same as")) {
                def = key.defaultDescription();
            }
            String env = "`" + key.envName() + "`";
            for (String alias : key.envAliases()) {
                env += "<br>`" + alias + "`";
            }
            out.append("| `").append(key.name()).append("` | ").append(key.type().description())
                    .append(key.isSecret() ? " (secret)" : "").append(" | ").append(def.replace("{}", "(empty)"))
                    .append(" | ").append(env).append(" | ").append(key.doc().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
