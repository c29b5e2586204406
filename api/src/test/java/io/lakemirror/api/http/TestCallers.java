package io.lakemirror.api.http;

import io.lakemirror.api.Authenticator;
import io.lakemirror.api.Authorizer;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.CallerDirectory;
import io.lakemirror.auth.Grants;
import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import java.time.Duration;
import java.util.Optional;

/** The API's authenticator and authorizer for the HTTP hardening tests: every caller may do everything. */
final class TestCallers {
    /** Who owns a key pair; may block, or fail as an unavailable directory does. */
    @FunctionalInterface
    interface Check {
        Optional<User> userOf(String accessKeyId, Secret secretAccessKey);
    }

    private TestCallers() {
    }

    /** A directory of OSS lakeFS (basic auth: every known user may do everything) whose keys {@code check} knows. */
    static CallerDirectory directory(Check check) {
        return new CallerDirectory() {
            @Override
            public Optional<User> authenticate(String accessKeyId, Secret secretAccessKey) {
                return check.userOf(accessKeyId, secretAccessKey);
            }

            @Override
            public Grants grantsOf(UserId user) {
                return new Grants.Everything("a test directory of OSS lakeFS");
            }

            @Override
            public AuthFlavour flavour() {
                return AuthFlavour.BASIC;
            }

            @Override
            public String describe() {
                return "test directory";
            }
        };
    }

    static Authenticator authenticator(Check check) {
        return new Authenticator(directory(check), false, 10, Duration.ofSeconds(1));
    }

    static Authorizer everythingAllowed() {
        return new Authorizer(directory((key, secret) -> Optional.empty()), false, 10, Duration.ofSeconds(1));
    }
}
