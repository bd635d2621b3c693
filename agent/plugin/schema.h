/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checking a plugin's init config against its init schema (JSON Schema,
 * specs/plugin-abi.md §8.1), with the subset of the draft-04 ... 2020-12
 * keywords plugins use: type, properties, patternProperties, required,
 * additionalProperties, enum, const, items, minItems/maxItems,
 * minLength/maxLength, minimum/maximum (and their exclusive forms, boolean
 * or numeric), allOf/anyOf/oneOf, and local $ref ("#", "#/definitions/X",
 * "#/$defs/X"). Other keywords are ignored (they never refuse a config).
 */
#ifndef SAKER_PLUGIN_SCHEMA_H
#define SAKER_PLUGIN_SCHEMA_H

#include <stddef.h>

#define SK_PLUGIN_SCHEMA_DEPTH 64u /* nesting of schemas and values followed */

/*
 * Check config (JSON text) against schema (JSON Schema text); both are
 * borrowed. Returns 0 when it fits; -EINVAL with the first mismatch in err,
 * naming the offending key as a dotted path ("key 'aws.region': expected
 * string, got number"), when it does not, when config is not JSON, or when
 * schema is not JSON or has an unresolvable $ref (err says so).
 */
int sk_plugin_schema_check(const char *schema, const char *config, char *err, size_t errlen);

#endif
