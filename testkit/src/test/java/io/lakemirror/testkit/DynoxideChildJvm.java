package io.lakemirror.testkit;

/**
 * Started in a separate JVM by {@link DynoxideIT}: starts dynoxide, prints its pid, then waits to be
 * killed, so the test can check that dynoxide dies with a JVM that never ran its shutdown hooks.
 */
public final class DynoxideChildJvm {
    private DynoxideChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        Dynoxide dynoxide = Dynoxide.start();
        System.out.println("DYNOXIDE_PID=" + dynoxide.process().pid());
        System.out.flush();
        // Blocks until the parent test kills this JVM (or closes our stdin).
        while (System.in.read() >= 0) {
            continue;
        }
        dynoxide.close();
    }
}
