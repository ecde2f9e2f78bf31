import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_OUTPUT_DIR, REPORT_FILE_NAMES, reportFilePath } from "./index";

describe("reportFilePath", () => {
  it("puts the file in outputDir, else the default folder, relative to cwd", () => {
    expect(reportFilePath({ cwd: "/project" }, REPORT_FILE_NAMES.html)).toBe(
      join("/project", DEFAULT_OUTPUT_DIR, "index.html"),
    );
    expect(reportFilePath({ cwd: "/project", outputDir: "out" }, REPORT_FILE_NAMES.jsonl)).toBe(
      join("/project", "out", "events.jsonl"),
    );
    expect(reportFilePath({ outputDir: "out" }, REPORT_FILE_NAMES.junit)).toBe(resolve("out", "junit.xml"));
  });

  it("takes path over outputDir, and keeps an absolute one", () => {
    expect(reportFilePath({ cwd: "/project", outputDir: "out", path: "ci/report.html" }, "index.html")).toBe(
      join("/project", "ci", "report.html"),
    );
    expect(reportFilePath({ cwd: "/project", path: "/tmp/report.xml" }, "junit.xml")).toBe("/tmp/report.xml");
  });
});
