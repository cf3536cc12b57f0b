import { Hono } from "hono";
import { z } from "zod";
import YAML from "yaml";
import client from "prom-client";
import snappy from "snappyjs";
import { getLogger } from "@logtape/logtape";
console.log(
  typeof Hono,
  typeof z.object,
  typeof YAML.parse,
  typeof client.Registry,
  typeof snappy.compress,
  typeof getLogger,
  Deno.args,
);
