package org.omatwin.auth;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The embedded default OAuth 2.0 authorization server (Spring Authorization Server): token endpoint,
 * JWKS, RFC 8414 metadata, the OMA Twinning scopes. In production the operator's own authorization
 * server is configured in the core instead (TWIN_AUTH_ISSUER).
 */
@SpringBootApplication
public class AuthServerApplication {
    public static void main(String[] args) {
        SpringApplication.run(AuthServerApplication.class, args);
    }
}
