// Package config reads reportbot's settings from command-line flags and
// environment variables, in one place, and validates them.
package config
