package org.huizhen.hub.config;

/** Invalid configuration: the message names the key and what is wrong with it (code HZ-4001). */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super("HZ-4001 invalid configuration: " + key + " " + problem);
        this.key = key;
    }

    /** The configuration key at fault, e.g. {@code dicom.port}. */
    public String key() {
        return key;
    }
}
