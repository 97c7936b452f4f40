await import("./cli/main.js");
