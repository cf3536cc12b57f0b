/**
 * @module prom-client's registry and metric classes, loaded from their own modules. The package
 * entry also loads its cluster aggregator, Pushgateway client, summaries and default process
 * metrics, which pull in `node:cluster`, `node:http(s)`, `node:zlib`, `node:v8` and
 * `perf_hooks`: several MB of resident memory an agent that uses none of them would pay for.
 * Types come from the package's declarations; the classes are the same ones.
 */
import type * as Prom from "prom-client";
// @ts-types="prom-client"
import RegistryClass from "prom-client/lib/registry.js";
// @ts-types="prom-client"
import CounterClass from "prom-client/lib/counter.js";
// @ts-types="prom-client"
import GaugeClass from "prom-client/lib/gauge.js";
// @ts-types="prom-client"
import HistogramClass from "prom-client/lib/histogram.js";

export const Registry = RegistryClass as unknown as typeof Prom.Registry;
export type Registry = Prom.Registry;
export const Counter = CounterClass as unknown as typeof Prom.Counter;
export type Counter<T extends string = string> = Prom.Counter<T>;
export const Gauge = GaugeClass as unknown as typeof Prom.Gauge;
export type Gauge<T extends string = string> = Prom.Gauge<T>;
export const Histogram = HistogramClass as unknown as typeof Prom.Histogram;
export type Histogram<T extends string = string> = Prom.Histogram<T>;
