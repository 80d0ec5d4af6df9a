package io.qimencallback.server.target;

import io.qimencallback.server.config.Section;

/** Builds targets of one {@code type} from their configuration section. */
public interface TargetType {

    /** The {@code type} value that selects this kind, e.g. {@code http}. */
    String type();

    /**
     * @throws io.qimencallback.server.config.ConfigException naming the section and key when the section is unusable
     */
    Target create(Section section, TargetEnvironment environment);
}
