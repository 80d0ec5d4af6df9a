package io.qimencallback.server.target.http;

import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetType;

/** {@code type: http}: an internal HTTP endpoint; the section's keys are listed on {@link HttpTarget}. */
public final class HttpTargetType implements TargetType {

    @Override
    public String type() {
        return HttpTarget.TYPE;
    }

    @Override
    public Target create(Section section, TargetEnvironment environment) {
        return HttpTarget.create(section, environment);
    }
}
