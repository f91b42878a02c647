import { describe, expect, it } from "@jest/globals";
import { parseAuthForm } from "./parseAuthForm.ts";
import { mayUseResource, mayUseTopic } from "./rabbitPermissions.ts";

const me = "0x1111111111111111111111111111111111111111";
const other = "0x2222222222222222222222222222222222222222";
const base = { username: me, vhost: "/", resource: "topic", name: "amq.topic" };

describe("device permissions on RabbitMQ", () => {
  it("lets a device publish only to its own readings routing key", () => {
    expect(mayUseTopic({ ...base, permission: "write", routingKey: `devices.${me}.readings` }, "/")).toBe(
      true,
    );
    expect(mayUseTopic({ ...base, permission: "write", routingKey: `devices.${other}.readings` }, "/")).toBe(
      false,
    );
    expect(mayUseTopic({ ...base, permission: "write", routingKey: `devices.${me}.errors` }, "/")).toBe(
      false,
    );
    expect(mayUseTopic({ ...base, permission: "write", routingKey: "devices.*.readings" }, "/")).toBe(false);
  });

  it("lets a device subscribe only under its own devices.{address}. prefix", () => {
    expect(mayUseTopic({ ...base, permission: "read", routingKey: `devices.${me}.#` }, "/")).toBe(true);
    expect(mayUseTopic({ ...base, permission: "read", routingKey: `devices.${me}.errors` }, "/")).toBe(true);
    expect(mayUseTopic({ ...base, permission: "read", routingKey: "devices.#" }, "/")).toBe(false);
    expect(mayUseTopic({ ...base, permission: "read", routingKey: `devices.*.errors` }, "/")).toBe(false);
    expect(mayUseTopic({ ...base, permission: "read", routingKey: "#" }, "/")).toBe(false);
    expect(mayUseTopic({ ...base, permission: "read", routingKey: `devices.${me}` }, "/")).toBe(false);
  });

  it("denies topics on another exchange or vhost", () => {
    const key = `devices.${me}.readings`;
    expect(
      mayUseTopic({ ...base, name: "sealtrail.readings", permission: "write", routingKey: key }, "/"),
    ).toBe(false);
    expect(mayUseTopic({ ...base, vhost: "other", permission: "write", routingKey: key }, "/")).toBe(false);
  });

  it("allows only the device's own MQTT subscription queues and amq.topic, never the readings queues", () => {
    const q = (name: string, permission: string) =>
      mayUseResource({ ...base, resource: "queue", name, permission }, "/");
    const x = (name: string, permission: string) =>
      mayUseResource({ ...base, resource: "exchange", name, permission }, "/");
    expect(q(`mqtt-subscription-${me}qos0`, "configure")).toBe(true);
    expect(q(`mqtt-subscription-${me}qos1`, "read")).toBe(true);
    expect(q(`mqtt-subscription-${other}qos0`, "read")).toBe(false);
    expect(q("sealtrail.readings.0", "read")).toBe(false);
    expect(x("amq.topic", "write")).toBe(true);
    expect(x("amq.topic", "configure")).toBe(false);
    expect(x("sealtrail.readings", "write")).toBe(false);
  });
});

describe("parseAuthForm", () => {
  it("keeps a binary password's bytes (URLSearchParams would turn invalid UTF-8 into U+FFFD)", () => {
    const form = parseAuthForm("username=0xab&password=%D2%84X%1A%A2%01&client_id=0xab");
    expect([...form.bytes("password")]).toEqual([0xd2, 0x84, 0x58, 0x1a, 0xa2, 0x01]);
    expect(form.text("client_id")).toBe("0xab");
  });

  it("decodes + as a space, keeps the first of a repeated field, and reads absent fields as empty", () => {
    const form = parseAuthForm("name=a+b&vhost=%2F&vhost=evil&flag");
    expect(form.text("name")).toBe("a b");
    expect(form.text("vhost")).toBe("/");
    expect(form.text("flag")).toBe("");
    expect(form.bytes("missing").length).toBe(0);
  });
});
