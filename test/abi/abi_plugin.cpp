// SPDX-License-Identifier: Apache-2.0
//
// A Falco plugin written in C++ from the ABI description in the project's
// plugin-abi spec alone: every structure below is declared here, not taken
// from Saker's header, so that loading it proves the host follows the spec's
// layouts rather than only its own header. It is an event source ("abitest",
// id 1073741900, private-use block) and a field extractor for its own source
// and for k8s_audit. Built by test/integration/test_plugins_abi.sh with g++.
//
// Each event payload is "w1,w2,w3;k1=v1,k2=v2" (words; key=value pairs).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace abi {
typedef uint32_t plugin_bool;
enum rc : int32_t { SUCCESS = 0, FAILURE = 1, TIMEOUT = -1, END = 2, NOT_SUPPORTED = 3 };
enum ftype : uint32_t { U64 = 8, STRING = 9, BOOL = 25, IPADDR = 40 };
enum schema : int32_t { SCHEMA_NONE = 0, SCHEMA_JSON = 1 };

#pragma pack(push, 1)
struct event { // 26 bytes
	uint64_t ts;
	uint64_t tid;
	uint32_t len;
	uint16_t type;
	uint32_t nparams;
};
#pragma pack(pop)
static_assert(sizeof(event) == 26, "packed header");

struct event_input { // 24 bytes
	const event *evt;
	uint64_t evtnum;
	const char *evtsrc;
};
struct byte_buffer {
	uint32_t len;
	const void *ptr;
};
struct extract_field { // 64 bytes
	union {
		const char **str;
		uint64_t *u64;
		uint32_t *u32;
		plugin_bool *boolean;
		byte_buffer *buf;
	} res;
	uint64_t res_len;
	uint32_t field_id;
	const char *field;
	const char *arg_key;
	uint64_t arg_index;
	plugin_bool arg_present;
	uint32_t ftype;
	plugin_bool flist;
};
static_assert(sizeof(extract_field) == 64, "extract field");
static_assert(offsetof(extract_field, arg_index) == 40, "arg_index offset");
static_assert(offsetof(extract_field, arg_present) == 48, "arg_present offset");

struct fields_vtable { // 24 bytes (three pointers)
	void *list, *get, *add;
};
struct tables_input { // 72 bytes
	void *list_tables, *get_table, *add_table;
	fields_vtable fields;
	void *fields_ext, *reader_ext, *writer_ext;
};
static_assert(sizeof(tables_input) == 72, "tables input");
struct init_input { // 40 bytes
	const char *config;
	void *owner;
	const char *(*get_owner_last_error)(void *);
	const tables_input *tables;
	void (*log_fn)(void *owner, const char *component, const char *msg, int sev);
};
static_assert(sizeof(init_input) == 40, "init input");
struct reader_vtable { // 32 bytes
	void *a, *b, *c, *d;
};
struct extract_input { // 80 bytes
	void *owner;
	const char *(*get_owner_last_error)(void *);
	uint32_t num_fields;
	extract_field *fields;
	reader_vtable table_reader;
	void *table_reader_ext;
	void *value_offsets;
};
static_assert(sizeof(extract_input) == 80, "extract input");
} // namespace abi

namespace {
const uint32_t ID = 1073741900u;
const char *const SOURCE = "abitest";

// One buffer for every identity string, as plugin-sdk-cpp has it: a host that
// does not copy each result at once sees the next one instead.
std::string shared;
const char *answer(const char *s)
{
	shared = s;
	return shared.c_str();
}

enum { F_WORD, F_KV, F_COUNT, F_FLAG, F_BOTH, F_ARGINDEX, F_EVTNUM, F_CONFIG, F_LEN, F_IP };
const char *const FIELDS = R"JSON([
 {"name":"abi.word","type":"string","isList":true,"arg":{"isRequired":false,"isIndex":true,"isKey":false},"desc":"the words of the event, or one by index","properties":[]},
 {"name":"abi.kv","type":"string","arg":{"isRequired":true,"isIndex":false,"isKey":true},"desc":"the value of a key","properties":null},
 {"name":"abi.count","type":"uint64","desc":"how many words","display":""},
 {"name":"abi.flag","type":"bool","desc":"true when there are more than two words"},
 {"name":"abi.both","type":"string","arg":{"isRequired":true,"isIndex":true,"isKey":true},"desc":"a word by index, or a value by key"},
 {"name":"abi.argindex","type":"uint64","arg":{"isRequired":false,"isIndex":false,"isKey":true},"desc":"the arg_index the host passed"},
 {"name":"abi.evtnum","type":"uint64","desc":"the evtnum the host passed"},
 {"name":"abi.config","type":"string","desc":"the init config the host passed","properties":["hidden"]},
 {"name":"abi.len","type":"uint64","desc":"payload length (any listed source)","addOutput":false},
 {"name":"abi.ip","type":"ipaddr","desc":"a fixed address, 192.0.2.7"}
])JSON";

struct state {
	std::string err, config;
	// extraction results live until the next extract call
	std::vector<std::string> strs;
	std::vector<const char *> ptrs;
	std::vector<uint64_t> u64s;
	std::vector<abi::plugin_bool> bools;
	abi::byte_buffer ip;
	unsigned char ipbytes[4] = {192, 0, 2, 7};
	uint64_t last_evtnum = 0;
};

struct instance {
	std::vector<std::vector<uint8_t>> evts;
	std::vector<abi::event *> ptrs;
	int batch = 0;
};

const char *const PAYLOADS[] = {"alpha,beta,gamma;color=red,size=10", "delta;color=blue",
				"epsilon,zeta;size=3"};

void parse(const std::string &p, std::vector<std::string> &words,
	   std::map<std::string, std::string> &kv)
{
	size_t semi = p.find(';');
	std::string w = p.substr(0, semi), k = semi == std::string::npos ? "" : p.substr(semi + 1);
	for (size_t s = 0; !w.empty();) {
		size_t c = w.find(',', s);
		words.push_back(w.substr(s, c == std::string::npos ? std::string::npos : c - s));
		if (c == std::string::npos)
			break;
		s = c + 1;
	}
	for (size_t s = 0; !k.empty();) {
		size_t c = k.find(',', s);
		std::string pair = k.substr(s, c == std::string::npos ? std::string::npos : c - s);
		size_t eq = pair.find('=');
		if (eq != std::string::npos)
			kv[pair.substr(0, eq)] = pair.substr(eq + 1);
		if (c == std::string::npos)
			break;
		s = c + 1;
	}
}
} // namespace

extern "C" {
const char *plugin_get_required_api_version() { return answer("3.3.0"); }
const char *plugin_get_version() { return answer("1.2.3"); }
const char *plugin_get_name() { return answer("abitest"); }
const char *plugin_get_description() { return answer("C++ plugin written from the ABI spec"); }
const char *plugin_get_contact() { return answer("saker tests"); }
uint32_t plugin_get_id() { return ID; }
const char *plugin_get_event_source() { return SOURCE; }
const char *plugin_get_fields() { return FIELDS; }
const char *plugin_get_extract_event_sources() { return "[\"k8s_audit\"]"; }
const char *plugin_get_init_schema(abi::schema *t)
{
	*t = abi::SCHEMA_JSON;
	return "{\"type\":\"object\",\"properties\":{\"greeting\":{\"type\":\"string\"}}}";
}

void *plugin_init(const abi::init_input *in, abi::rc *rc)
{
	state *s = new state();
	// The spec's pitfalls, checked from the plugin's side.
	if (!in->tables || !in->tables->fields_ext || !in->tables->reader_ext ||
	    !in->tables->writer_ext || !in->get_owner_last_error || !in->owner) {
		s->err = "the host gave no tables input";
		*rc = abi::FAILURE;
		return s;
	}
	if (!in->config || !in->config[0]) {
		s->err = "the host passed an empty config although a JSON schema exists";
		*rc = abi::FAILURE;
		return s;
	}
	s->config = in->config;
	*rc = abi::SUCCESS;
	return s;
}
void plugin_destroy(void *s) { delete static_cast<state *>(s); }
const char *plugin_get_last_error(void *s) { return static_cast<state *>(s)->err.c_str(); }

void *plugin_open(void *s, const char *params, abi::rc *rc)
{
	instance *in = new instance();
	for (const char *p : PAYLOADS) {
		uint32_t len = (uint32_t)strlen(p);
		std::vector<uint8_t> e(38 + len);
		abi::event h = {UINT64_MAX, 0, 38 + len, 322, 2}; // ts/id for the host to fill
		uint32_t l0 = 4, id = 0;
		memcpy(e.data(), &h, sizeof(h));
		memcpy(e.data() + 26, &l0, 4);
		memcpy(e.data() + 30, &len, 4);
		memcpy(e.data() + 34, &id, 4);
		memcpy(e.data() + 38, p, len);
		in->evts.push_back(e);
	}
	*rc = abi::SUCCESS;
	return in;
}
void plugin_close(void *s, void *h) { delete static_cast<instance *>(h); }

// Two events with TIMEOUT, then the last with EOF: the host must take them all.
abi::rc plugin_next_batch(void *s, void *h, uint32_t *n, abi::event ***evts)
{
	instance *in = static_cast<instance *>(h);
	in->ptrs.clear();
	int b = in->batch++;
	size_t from = b == 0 ? 0 : 2, to = b == 0 ? 2 : 3;
	for (size_t i = from; i < to && i < in->evts.size(); i++)
		in->ptrs.push_back(reinterpret_cast<abi::event *>(in->evts[i].data()));
	*n = (uint32_t)in->ptrs.size();
	*evts = in->ptrs.data();
	return b == 0 ? abi::TIMEOUT : abi::END;
}

const char *plugin_event_to_string(void *s, const abi::event_input *e) { return "abitest event"; }

abi::rc plugin_extract_fields(void *sp, const abi::event_input *e, const abi::extract_input *in)
{
	state *s = static_cast<state *>(sp);
	const uint8_t *raw = reinterpret_cast<const uint8_t *>(e->evt);
	uint16_t type;
	uint32_t len;
	memcpy(&type, raw + 20, 2);
	memcpy(&len, raw + 30, 4);
	if (type != 322) {
		s->err = "asked to extract from a non-plugin event";
		return abi::FAILURE;
	}
	if (e->evtnum == 0 || e->evtnum == UINT64_MAX) {
		s->err = "bad evtnum";
		return abi::FAILURE;
	}
	s->last_evtnum = e->evtnum;
	std::string payload(reinterpret_cast<const char *>(raw + 38), len);
	std::vector<std::string> words;
	std::map<std::string, std::string> kv;
	if (!strcmp(e->evtsrc, SOURCE))
		parse(payload, words, kv);
	s->strs.clear();
	s->ptrs.clear();
	s->u64s.clear();
	s->bools.clear();
	s->strs.reserve(64);
	s->u64s.reserve(in->num_fields);
	s->bools.reserve(in->num_fields);
	s->ptrs.reserve(64);
	for (uint32_t i = 0; i < in->num_fields; i++) {
		abi::extract_field &f = in->fields[i];
		f.res_len = 0;
		bool own = !strcmp(e->evtsrc, SOURCE);
		size_t first = s->ptrs.size();
		auto str = [&](const std::string &v) {
			s->strs.push_back(v);
			s->ptrs.push_back(s->strs.back().c_str());
		};
		switch (f.field_id) {
		case F_WORD:
			if (!own)
				break;
			if (f.arg_present && f.arg_index != UINT64_MAX) {
				if (f.arg_index < words.size())
					str(words[f.arg_index]);
			} else {
				for (auto &w : words)
					str(w);
			}
			break;
		case F_KV:
			if (own && f.arg_key && kv.count(f.arg_key))
				str(kv[f.arg_key]);
			break;
		case F_BOTH:
			if (!own)
				break;
			if (f.arg_index != UINT64_MAX) {
				if (f.arg_index < words.size())
					str(words[f.arg_index]);
			} else if (f.arg_key && kv.count(f.arg_key)) {
				str(kv[f.arg_key]);
			}
			break;
		case F_CONFIG:
			str(s->config);
			break;
		case F_COUNT:
		case F_ARGINDEX:
		case F_EVTNUM:
		case F_LEN:
			if (f.field_id == F_COUNT && !own)
				break;
			s->u64s.push_back(f.field_id == F_COUNT	 ? words.size()
					  : f.field_id == F_ARGINDEX ? f.arg_index
					  : f.field_id == F_EVTNUM   ? e->evtnum
								     : (uint64_t)len);
			f.res.u64 = &s->u64s.back();
			f.res_len = 1;
			continue;
		case F_FLAG:
			if (!own)
				break;
			s->bools.push_back(words.size() > 2 ? 1 : 0);
			f.res.boolean = &s->bools.back();
			f.res_len = 1;
			continue;
		case F_IP:
			s->ip = {4, s->ipbytes};
			f.res.buf = &s->ip;
			f.res_len = 1;
			continue;
		default:
			s->err = "unknown field id";
			return abi::FAILURE;
		}
		f.res.str = s->ptrs.data() + first;
		f.res_len = s->ptrs.size() - first;
	}
	return abi::SUCCESS;
}
}
