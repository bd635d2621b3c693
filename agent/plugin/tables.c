/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state-table API as the host offers it today: no tables. Every entry
 * exists and answers safely (empty list, NULL, FAILURE, UINT64_MAX) so that
 * SDKs that read the vtables at init keep working and plugins that need a
 * table fail their init cleanly instead of crashing.
 */
#include "plugin_int.h"

static ss_plugin_table_info empty_tables[1];

static ss_plugin_table_info *list_tables(ss_plugin_owner_t *o, uint32_t *ntables)
{
	*ntables = 0;
	return empty_tables;
}

static ss_plugin_table_t *get_table(ss_plugin_owner_t *o, const char *name,
				    ss_plugin_state_type key_type)
{
	return NULL;
}

static ss_plugin_rc add_table(ss_plugin_owner_t *o, const ss_plugin_table_input *in)
{
	return SS_PLUGIN_FAILURE;
}

static const ss_plugin_table_fieldinfo *list_fields(ss_plugin_table_t *t, uint32_t *n)
{
	*n = 0;
	return NULL;
}

static ss_plugin_table_field_t *get_field(ss_plugin_table_t *t, const char *name,
					  ss_plugin_state_type type)
{
	return NULL;
}

static const char *table_name(ss_plugin_table_t *t)
{
	return NULL;
}

static uint64_t table_size(ss_plugin_table_t *t)
{
	return UINT64_MAX;
}

static ss_plugin_table_entry_t *table_entry(ss_plugin_table_t *t, const ss_plugin_state_data *k)
{
	return NULL;
}

static ss_plugin_rc read_field(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
			       const ss_plugin_table_field_t *f, ss_plugin_state_data *out)
{
	return SS_PLUGIN_FAILURE;
}

static void release_entry(ss_plugin_table_t *t, ss_plugin_table_entry_t *e)
{
}

static ss_plugin_bool iterate(ss_plugin_table_t *t, ss_plugin_table_iterator_func_t it,
			      ss_plugin_table_iterator_state_t *s)
{
	return 0;
}

static ss_plugin_rc clear_table(ss_plugin_table_t *t)
{
	return SS_PLUGIN_FAILURE;
}

static ss_plugin_rc erase_entry(ss_plugin_table_t *t, const ss_plugin_state_data *k)
{
	return SS_PLUGIN_FAILURE;
}

static ss_plugin_table_entry_t *create_entry(ss_plugin_table_t *t)
{
	return NULL;
}

static void destroy_entry(ss_plugin_table_t *t, ss_plugin_table_entry_t *e)
{
}

static ss_plugin_table_entry_t *add_entry(ss_plugin_table_t *t, const ss_plugin_state_data *k,
					  ss_plugin_table_entry_t *e)
{
	return NULL;
}

static ss_plugin_rc write_field(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
				const ss_plugin_table_field_t *f, const ss_plugin_state_data *in)
{
	return SS_PLUGIN_FAILURE;
}

static ss_plugin_table_fields_vtable_ext fields_none = {
    .list_table_fields = list_fields,
    .get_table_field = get_field,
    .add_table_field = get_field,
};

ss_plugin_table_reader_vtable_ext sk_plugin_table_reader_none = {
    .get_table_name = table_name,
    .get_table_size = table_size,
    .get_table_entry = table_entry,
    .read_entry_field = read_field,
    .release_table_entry = release_entry,
    .iterate_entries = iterate,
};

ss_plugin_table_writer_vtable_ext sk_plugin_table_writer_none = {
    .clear_table = clear_table,
    .erase_table_entry = erase_entry,
    .create_table_entry = create_entry,
    .destroy_table_entry = destroy_entry,
    .add_table_entry = add_entry,
    .write_entry_field = write_field,
};

const ss_plugin_init_tables_input sk_plugin_tables_none = {
    .list_tables = list_tables,
    .get_table = get_table,
    .add_table = add_table,
    .fields = {.list_table_fields = list_fields,
	       .get_table_field = get_field,
	       .add_table_field = get_field},
    .fields_ext = &fields_none,
    .reader_ext = &sk_plugin_table_reader_none,
    .writer_ext = &sk_plugin_table_writer_none,
};
