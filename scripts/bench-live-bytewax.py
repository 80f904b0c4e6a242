"""The bytewax peer of scripts/bench-live: one-minute tumbling counts per sensor over the same topic.

bytewax 0.21, one worker: KafkaSource (tail=False: it stops at the end of the topic; the same
fetch.queue.backoff.ms as Shikong's consumers), json.loads of
each spatialised event, keyed by data.sensor_id, EventClock on occurred_at, TumblingWindower of one
minute aligned to the epoch, count_window. Prints messages, seconds and messages/s.
"""
import json
import sys
import time
from datetime import datetime, timedelta, timezone

import bytewax.operators as op
from bytewax.connectors.kafka import KafkaSource
from bytewax.dataflow import Dataflow
from bytewax.operators.windowing import EventClock, TumblingWindower, count_window
from bytewax.testing import run_main
from bytewax.outputs import DynamicSink, StatelessSinkPartition

brokers, topic = sys.argv[1], sys.argv[2]
counted = {"messages": 0, "windows": 0}


class Count(DynamicSink):
    def build(self, step_id, worker_index, worker_count):
        class Partition(StatelessSinkPartition):
            def write_batch(self, items):
                counted["windows"] += len(items)

        return Partition()


def parse(message):
    counted["messages"] += 1
    return json.loads(message.value)


def event_time(event):
    return datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))


flow = Dataflow("shikong-bench")
# The consumer setting Shikong's consumers use (librdkafka's default backoff of 1 s idles a reader
# faster than the broker's batches; bytewax is not, so it changes nothing for it, but the two read alike).
messages = op.input("kafka", flow, KafkaSource([brokers], [topic], tail=False, add_config={"fetch.queue.backoff.ms": "10"}))
events = op.map("parse", messages, parse)
clock = EventClock(event_time, wait_for_system_duration=timedelta(seconds=0))
windower = TumblingWindower(length=timedelta(minutes=1), align_to=datetime(2026, 1, 1, tzinfo=timezone.utc))
windows = count_window("count", events, clock, windower, lambda event: event["data"]["sensor_id"])
op.output("out", windows.down, Count())

started = time.perf_counter()
run_main(flow)
elapsed = time.perf_counter() - started
rate = counted["messages"] / elapsed
print(f"bytewax count_window: {counted['messages']} messages in {elapsed:.2f} s = {rate / 1e3:.1f}k msgs/s, {counted['windows']} windows emitted")
