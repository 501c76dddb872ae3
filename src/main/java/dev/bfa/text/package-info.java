/**
 * Text shared by every layer: how a value a user supplied is shown inside an error message.
 * Depends on nothing in bfa, so any package may use it.
 */
package dev.bfa.text;
