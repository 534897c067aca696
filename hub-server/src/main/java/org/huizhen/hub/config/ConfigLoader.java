package org.huizhen.hub.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link HubConfig} in three layers, later ones winning: the bundled
 * {@code huizhen-defaults.yaml}, an optional YAML file, then environment variables
 * {@code HUIZHEN_<KEY>} (key upper-cased, '.' and '-' as '_'; only keys that exist in the
 * defaults, so a typo in a variable name cannot silently create a key). Command-line flags
 * are applied by the caller as a fourth layer through {@link #override}.
 *
 * <p>Every problem becomes a {@link ConfigException} naming the key. Not thread-safe; use
 * once at start-up.
 */
public final class ConfigLoader {
    private static final String DEFAULTS = "/huizhen-defaults.yaml";
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private final ObjectNode tree;

    private ConfigLoader(ObjectNode tree) {
        this.tree = tree;
    }

    /**
     * Loads defaults, then {@code file} when present, then the environment.
     *
     * @param file YAML file, or empty for defaults only
     * @param env  the environment, usually {@code System.getenv()}
     */
    public static ConfigLoader load(Optional<Path> file, Map<String, String> env) {
        ConfigLoader loader = new ConfigLoader(JsonNodeFactory.instance.objectNode());
        ObjectNode defaults;
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            defaults = (ObjectNode) loader.yaml.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("bundled defaults unreadable", e);
        }
        loader.tree.setAll(defaults);
        if (file.isPresent()) {
            Path f = file.get();
            if (!Files.isRegularFile(f)) {
                throw new ConfigException("--config", "file not found: " + f);
            }
            JsonNode user;
            try {
                user = loader.yaml.readTree(f.toFile());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ConfigException("--config", "is not valid YAML (" + f + "): " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new ConfigException("--config", "cannot be read (" + f + "): " + e.getMessage());
            }
            if (user != null && !user.isMissingNode() && !user.isNull()) {
                if (!user.isObject()) {
                    throw new ConfigException("--config", "must hold a YAML mapping at the top level: " + f);
                }
                merge(loader.tree, (ObjectNode) user, "");
            }
        }
        List<String> keys = new ArrayList<>();
        scalarKeys(defaults, "", keys);
        for (String key : keys) {
            String var = envName(key);
            String value = env.get(var);
            if (value != null) {
                loader.override(key, value);
            }
        }
        return loader;
    }

    /** The environment variable that overrides {@code key}, e.g. {@code HUIZHEN_DICOM_AE_TITLE}. */
    public static String envName(String key) {
        return "HUIZHEN_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Sets a scalar key (dotted path, e.g. {@code dicom.port}) from text; the binder converts the type. */
    public ConfigLoader override(String key, String value) {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode obj)) {
                throw new ConfigException(key, "is not a configuration key");
            }
            node = obj;
        }
        node.put(parts[parts.length - 1], value);
        return this;
    }

    /** Binds and validates. */
    public HubConfig build() {
        HubConfig config;
        try {
            config = yaml.treeToValue(tree, HubConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(path(e) , "is not a configuration key (known here: " + e.getKnownPropertyIds() + ")");
        } catch (JsonMappingException e) {
            throw new ConfigException(path(e), "has the wrong type: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("(config)", e.getMessage());
        }
        return config.validate();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "(config)" : sb.toString();
    }

    private static void merge(ObjectNode target, ObjectNode source, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = source.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode existingObj && e.getValue() instanceof ObjectNode srcObj) {
                merge(existingObj, srcObj, prefix + e.getKey() + ".");
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void scalarKeys(JsonNode node, String prefix, List<String> out) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject()) {
                scalarKeys(e.getValue(), prefix + e.getKey() + ".", out);
            } else if (e.getValue().isValueNode()) {
                out.add(prefix + e.getKey());
            }
        }
    }
}
