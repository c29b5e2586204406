package io.lakemirror.graveler;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.RangeId;
import io.lakemirror.graveler.proto.CommittedProtos;

/** {@link RangeInfo} as the {@code committed.RangeData} protobuf of metarange records. */
final class RangeDataCodec {
    private RangeDataCodec() {
    }

    static RangeInfo decode(RangeId id, byte[] data) {
        CommittedProtos.RangeData proto;
        try {
            proto = CommittedProtos.RangeData.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptDataException("value data is not a committed.RangeData protobuf: " + e.getMessage(), e);
        }
        return new RangeInfo(id, proto.getMinKey().toByteArray(), proto.getMaxKey().toByteArray(), proto.getCount(),
                proto.getEstimatedSize());
    }

    static byte[] encode(RangeInfo info) {
        return EntryCodec.deterministic(CommittedProtos.RangeData.newBuilder()
                .setMinKey(ByteString.copyFrom(info.minKey()))
                .setMaxKey(ByteString.copyFrom(info.maxKey()))
                .setEstimatedSize(info.estimatedSizeBytes())
                .setCount(info.count())
                .build());
    }
}
