package io.qimencallback.protocol.handler;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One plugin's settings: the {@code plugins.<name>} section of the YAML file, each value overridable from the
 * environment ({@code QIMEN_PLUGINS_<NAME>_<KEY>}, the name and key in upper case with {@code -} and {@code .} as
 * {@code _}). A key {@code k_file} (or {@code QIMEN_PLUGINS_<NAME>_<KEY>_FILE}) names a file whose content, without a
 * trailing line break, is the value of {@code k}: the way to pass secrets. Values from a file, and keys that name a
 * secret ({@code password}, {@code secret}, {@code token}, {@code key} in the name), are never printed.
 */
public interface PluginSettings {

    /** {@return the section's name, as the plugin declares it} */
    String name();

    /** {@return the keys that have a value (after the environment and files are applied), without the {@code _file} suffix} */
    Set<String> keys();

    /**
     * The value, if set (a blank value counts as unset).
     *
     * @param key the setting's key in the section
     * @return the value, or empty
     */
    Optional<String> get(String key);

    /**
     * The value.
     *
     * @param key the setting's key in the section
     * @return the value
     * @throws IllegalStateException naming the setting and the environment variable that sets it, when unset
     */
    String require(String key);

    /**
     * An integer value, or the default when unset; a value that is not an integer fails with the setting's name.
     *
     * @param key          the setting's key in the section
     * @param defaultValue the value when unset
     * @return the value
     */
    int getInt(String key, int defaultValue);

    /**
     * A duration in ISO-8601 ({@code PT5S}) or as a number with a unit ({@code 500ms}, {@code 5s}, {@code 2m},
     * {@code 1h}), or the default when unset.
     *
     * @param key          the setting's key in the section
     * @param defaultValue the value when unset
     * @return the value
     */
    Duration getDuration(String key, Duration defaultValue);

    /**
     * {@code true}/{@code false} (also {@code on}/{@code off}, {@code yes}/{@code no}), or the default when unset.
     *
     * @param key          the setting's key in the section
     * @param defaultValue the value when unset
     * @return the value
     */
    boolean getBoolean(String key, boolean defaultValue);
}
