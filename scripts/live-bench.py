#!/usr/bin/env python3
"""Fan-out benchmark of live subscriptions (run by scripts/bench-live against a running platform).

N Server-Sent Events subscribers, each with a small bbox (one cell of a grid over Wuhan) and an
attribute filter (pm25 > 20), while a publisher process sends readings over MQTT at a fixed rate
from random positions in the grid. Every reading carries its publish time; each subscriber
records publish-to-client latency. The server's resident memory is read from /proc before and
after the subscribers connect (idle), for the memory per idle subscriber.
"""
import argparse
import asyncio
import json
import multiprocessing
import random
import statistics
import time
from urllib.parse import quote

WEST, SOUTH, EAST, NORTH = 114.0, 30.3, 114.6, 30.8


def grid(count):
    columns = max(1, int(round((count * (EAST - WEST) / (NORTH - SOUTH)) ** 0.5)))
    rows = -(-count // columns)
    width, height = (EAST - WEST) / columns, (NORTH - SOUTH) / rows
    return [(WEST + (i % columns) * width, SOUTH + (i // columns) * height, width, height) for i in range(count)]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def publish(host, port, rate, seconds, prefix, done):
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"{prefix}-publisher")
    client.max_inflight_messages_set(2000)
    client.max_queued_messages_set(0)
    client.connect(host, port)
    client.loop_start()
    sent, start = 0, time.time()
    tick = 0.01
    while time.time() - start < seconds:
        target = int((time.time() - start) * rate)
        while sent < target:
            now = time.time()
            lon, lat = random.uniform(WEST, EAST), random.uniform(SOUTH, NORTH)
            sensor = f"{prefix}-{sent % 2000}"
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
            payload = json.dumps({"ts": stamp, "lon": lon, "lat": lat, "values": {"pm25": random.uniform(0, 100), "sent_ms": now * 1000}})
            client.publish(f"city/{sensor}/air", payload, qos=1)
            sent += 1
        time.sleep(tick)
    client.loop_stop()
    client.disconnect()
    done.put(sent)


async def subscriber(base, box, latencies, state):
    west, south, width, height = box
    query = f"bbox={west},{south},{west + width},{south + height}&filter={quote('pm25 > 20')}"
    host, port = base.split("//")[1].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET /collections/readings/live?{query} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        state["errors"] += 1
        return
    while (await reader.readline()).strip():
        pass
    async for raw in reader:
        line = raw.decode().strip()
        if line.startswith("event: live"):
            state["live"] += 1
        elif line.startswith("event: gap"):
            state["gaps"] += 1
        elif line.startswith("data: {\"kind\":\"feature\""):
            now = time.time() * 1000
            message = json.loads(line[6:])
            sent = message["feature"]["properties"]["values"].get("sent_ms")
            if sent is not None and state["measuring"]:
                latencies.append(now - sent)
            state["delivered"] += 1


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--mqtt-port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=30)
    arguments = parser.parse_args()
    prefix = f"bench{int(time.time())}"
    latencies, state = [], {"live": 0, "gaps": 0, "errors": 0, "delivered": 0, "measuring": False}

    baseline = rss_kib(arguments.pid)
    boxes = grid(arguments.subscribers)
    tasks = []
    for box in boxes:
        tasks.append(asyncio.create_task(subscriber(arguments.base, box, latencies, state)))
        if len(tasks) % 100 == 0:
            await asyncio.sleep(0.05)
    deadline = time.time() + 120
    while state["live"] + state["errors"] < len(boxes) and time.time() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(3)
    idle = rss_kib(arguments.pid)
    print(f"subscribers live: {state['live']} of {len(boxes)} (refused {state['errors']})")
    print(f"server RSS: {baseline / 1024:.1f} MiB before, {idle / 1024:.1f} MiB with {state['live']} idle subscribers: "
          f"{(idle - baseline) / max(1, state['live']):.1f} KiB per idle subscriber")

    done = multiprocessing.Queue()
    host = arguments.base.split("//")[1].split(":")[0]
    publisher = multiprocessing.Process(target=publish, args=(host, arguments.mqtt_port, arguments.rate, arguments.seconds, prefix, done))
    state["measuring"] = True
    started = time.time()
    publisher.start()
    while publisher.is_alive():
        await asyncio.sleep(0.2)
    sent = done.get()
    publishing = time.time() - started
    await asyncio.sleep(10)
    state["measuring"] = False
    loaded = rss_kib(arguments.pid)
    for task in tasks:
        task.cancel()
    ordered = sorted(latencies)

    def percentile(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")

    print(f"published: {sent} readings in {publishing:.1f} s ({sent / publishing:.0f}/s) from random positions in {WEST},{SOUTH},{EAST},{NORTH}")
    print(f"delivered: {len(ordered)} feature messages (each subscriber: one grid cell of the area, pm25 > 20, so about 0.8 per reading); gaps: {state['gaps']}")
    print(f"publish-to-client latency (ms): p50 {percentile(50):.1f}, p90 {percentile(90):.1f}, p99 {percentile(99):.1f}, max {ordered[-1] if ordered else float('nan'):.1f}"
          + (f", mean {statistics.fmean(ordered):.1f}" if ordered else ""))
    print(f"server RSS after the stream: {loaded / 1024:.1f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
