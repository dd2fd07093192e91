import "server-only";
import { z } from "zod";

/**
 * Zod's own messages, for the refusals a schema does not word itself (a missing field, a wrong type, an
 * over-long text): plain Chinese next to the field, then zod's zh-CN locale for anything rarer. Loaded by
 * src/server/errors.ts, which every service and action uses to parse input.
 */
z.config(z.locales.zhCN());
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case "invalid_type":
        if (issue.input === undefined || issue.input === null || issue.input === "") return "请填写此项";
        return issue.expected === "number" || issue.expected === "int" ? "请填写数字" : "格式不正确";
      case "too_big":
        return issue.origin === "string"
          ? `不能超过 ${String(issue.maximum)} 个字`
          : issue.origin === "number"
            ? `不能大于 ${String(issue.maximum)}`
            : undefined;
      case "too_small":
        return issue.origin === "string"
          ? Number(issue.minimum) <= 1
            ? "请填写此项"
            : `至少 ${String(issue.minimum)} 个字`
          : issue.origin === "number"
            ? `不能小于 ${String(issue.minimum)}`
            : undefined;
      case "invalid_value":
        return "请从列表中选择";
      case "invalid_format":
        return "格式不正确";
      case "unrecognized_keys":
        return "包含无法识别的字段";
      default:
        return undefined;
    }
  },
});

export {};
