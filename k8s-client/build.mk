# k8s-client/: the Kubernetes API client library (libcurl + cJSON + OpenSSL).
K8S_SRCS := $(wildcard k8s-client/*.c)
K8S_OBJS := $(K8S_SRCS:%.c=$(O)/%.o)
K8S_LIB := $(O)/lib/libsaker-k8s.a
K8S_LDLIBS := -lcurl -lcjson -lyaml -lssl -lcrypto
DEPS += $(K8S_OBJS:.o=.d)
CPPFLAGS += -Ik8s-client/include

$(K8S_LIB): $(K8S_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^
