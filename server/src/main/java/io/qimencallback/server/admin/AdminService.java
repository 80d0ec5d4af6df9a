package io.qimencallback.server.admin;

/**
 * One route of the admin port: a request in, a response out. What it throws is answered 500 with a generic message
 * (the exception is logged, never shown: it may hold data of a call).
 */
@FunctionalInterface
public interface AdminService {
    AdminResponse serve(AdminRequest request) throws Exception;
}
