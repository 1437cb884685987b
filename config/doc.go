// Package config loads and validates opsbot's configuration.
//
// The sources, from weakest to strongest:
//
//  1. Default: every default value.
//  2. The YAML file named by OPSBOT_CONFIG (optional), after ${VAR} and
//     ${VAR:-default} expansion of its text.
//  3. Environment overrides (TELEGRAM_API_URL, OPS_CHAT_ID, ...), applied
//     when set and non-empty.
//
// Secrets (TELEGRAM_BOT_TOKEN, MONGODB_URI) come from the environment only;
// a YAML key that looks like a secret is refused with a pointer to the
// variable. Load then calls Validate, and returns an *Error that lists
// every problem with its path and what is allowed, so a bad config stops
// opsbot before it connects to anything. Problems never repeat a secret.
//
// # Adding a section
//
//  1. Add a struct with yaml tags (snake_case) and a field for it in Config.
//     A field that an environment variable overrides gets env:"NAME"
//     (env:"NAME,secret" and yaml:"-" for secrets); a field whose type
//     errors need a better noun than "a whole number" gets want:"...".
//  2. Set its defaults in Default.
//  3. Give it a validate(path string, add addFunc) method that reports every
//     problem with add, and call it from Config.validate.
//  4. Add its keys, with comments and defaults, to opsbot.example.yaml and
//     its variables to .env.example; the tests fail until both are in sync.
//
// Supported field types: string, bool, integers, floats, time.Duration,
// structs, slices, maps with string keys, pointers, and types implementing
// yaml.Unmarshaler.
package config
