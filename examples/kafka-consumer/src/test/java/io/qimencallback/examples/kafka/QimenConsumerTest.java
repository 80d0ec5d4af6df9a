package io.qimencallback.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class QimenConsumerTest {
    private static ConsumerRecord<byte[], byte[]> record(long offset, String entryId, int attempt) {
        String json = "{\"entryId\":" + entryId + ",\"businessKey\":\"DO-1\",\"normalizedMethod\":\"deliveryorder.create\","
                + "\"body\":\"<request/>\"}";
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("qimen.deliveryorder.create", 0, offset,
                "DO-1".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
        r.headers().add("qimen-entry-id", entryId.getBytes(StandardCharsets.UTF_8));
        r.headers().add("qimen-attempt", Integer.toString(attempt).getBytes(StandardCharsets.UTF_8));
        return r;
    }

    @Test
    void aRedeliveredEntryIsHandledOnce() {
        QimenConsumer c = new QimenConsumer();
        assertThat(c.accept(record(0, "7", 1))).isTrue();
        assertThat(c.accept(record(1, "8", 1))).isTrue();
        assertThat(c.accept(record(2, "7", 2))).as("the same entry id again").isFalse();
    }

    @Test
    void aRecordWithoutTheHeaderIsSkipped() {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("qimen.x", 0, 0, null, new byte[0]);
        assertThat(new QimenConsumer().accept(r)).isFalse();
    }
}
