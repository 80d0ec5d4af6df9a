package io.qimencallback.server.plugin;

import io.qimencallback.protocol.internal.privacy.PersonalData;
import io.qimencallback.server.call.Redacted;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A handler's logger ({@link io.qimencallback.protocol.handler.HandlerContext#logger()}): the message is formatted
 * with its arguments, then masked by the one {@link PersonalData} rule, and written to the real logger of the same
 * name; an exception's messages are masked too. Levels are the real logger's. Every call of the {@link Logger}
 * interface, fluent ones included, ends in {@link #handleNormalizedLoggingCall}.
 */
final class MaskingLogger extends AbstractLogger {
    private final transient Logger delegate;

    MaskingLogger(Logger delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.name = delegate.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        String formatted = MessageFormatter.basicArrayFormat(pattern, arguments);
        var event = delegate.atLevel(level);
        if (marker != null) {
            event = event.addMarker(marker);
        }
        if (throwable != null) {
            event = event.setCause(Redacted.masked(throwable));
        }
        // no arguments: the masked text is written as it is, braces and all
        event.log(formatted == null ? null : PersonalData.maskText(formatted));
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return delegate.isTraceEnabled(marker);
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return delegate.isDebugEnabled(marker);
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return delegate.isInfoEnabled(marker);
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isWarnEnabled();
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return delegate.isWarnEnabled(marker);
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isErrorEnabled();
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return delegate.isErrorEnabled(marker);
    }
}
