package io.qimencallback.server.admin;

/**
 * Routes contributed from outside the server core (the inbox, diagnostics): given to
 * {@code QimenServer.start(config, handlers, routes)}, each adds its routes to the admin router.
 */
@FunctionalInterface
public interface AdminRoutes {
    void addTo(AdminRouter.Builder router);
}
