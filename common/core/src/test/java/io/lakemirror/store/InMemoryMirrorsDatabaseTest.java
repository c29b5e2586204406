package io.lakemirror.store;

class InMemoryMirrorsDatabaseTest extends MirrorsDatabaseContract {
    @Override
    protected MirrorsDatabase newDatabase() {
        return new InMemoryMirrorsDatabase();
    }
}
