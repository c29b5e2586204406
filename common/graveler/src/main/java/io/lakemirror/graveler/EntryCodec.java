package io.lakemirror.graveler;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Timestamp;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.graveler.proto.CatalogProtos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** {@link Entry} as the {@code catalog.Entry} protobuf lakeFS stores in range records. */
final class EntryCodec {
    private EntryCodec() {
    }

    static Entry decode(byte[] data) {
        CatalogProtos.Entry proto;
        try {
            proto = CatalogProtos.Entry.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptDataException("value data is not a catalog.Entry protobuf: " + e.getMessage(), e);
        }
        Entry.AddressType addressType = switch (proto.getAddressTypeValue()) {
            case CatalogProtos.Entry.AddressType.BY_PREFIX_DEPRECATED_VALUE -> Entry.AddressType.BY_PREFIX_DEPRECATED;
            case CatalogProtos.Entry.AddressType.RELATIVE_VALUE -> Entry.AddressType.RELATIVE;
            case CatalogProtos.Entry.AddressType.FULL_VALUE -> Entry.AddressType.FULL;
            default -> throw new CorruptDataException("catalog.Entry has unknown address type " + proto.getAddressTypeValue());
        };
        Timestamp mtime = proto.getLastModified();
        return new Entry(proto.getAddress(), addressType, Instant.ofEpochSecond(mtime.getSeconds(), mtime.getNanos()),
                proto.getSize(), proto.getETag(), proto.getMetadataMap(), proto.getContentType());
    }

    static byte[] encode(Entry entry) {
        CatalogProtos.Entry proto = CatalogProtos.Entry.newBuilder()
                .setAddress(entry.address())
                .setLastModified(Timestamp.newBuilder()
                        .setSeconds(entry.lastModified().getEpochSecond())
                        .setNanos(entry.lastModified().getNano()))
                .setSize(entry.size())
                .setETag(entry.eTag())
                .putAllMetadata(entry.metadata())
                .setAddressTypeValue(entry.addressType().ordinal())
                .setContentType(entry.contentType())
                .build();
        return deterministic(proto);
    }

    /** Map fields in key order, so that equal entries give equal bytes and therefore equal range IDs. */
    static byte[] deterministic(MessageLite message) {
        byte[] out = new byte[message.getSerializedSize()];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        stream.useDeterministicSerialization();
        try {
            message.writeTo(stream);
            stream.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("serializing into an array of the exact size cannot fail", e);
        }
        return out;
    }
}
