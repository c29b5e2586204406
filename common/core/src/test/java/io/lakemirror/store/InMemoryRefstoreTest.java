package io.lakemirror.store;

class InMemoryRefstoreTest extends RefstoreContract {
    @Override
    protected Refstore newRefstore() {
        return new InMemoryRefstore();
    }
}
