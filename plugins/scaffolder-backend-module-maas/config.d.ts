export interface Config {
  maas?: {
    /** How the "Create model" template serves a model when the form leaves a field empty. */
    serving?: {
      /** vLLM image of a model's ServingRuntime. Default `vllm/vllm-openai:latest`. */
      vllmImage?: string;
      /** llm-d inference simulator image. Default `ghcr.io/llm-d/llm-d-inference-sim:latest`. */
      simulatorImage?: string;
      /** Node labels of GPU nodes. Default `nvidia.com/gpu.present: "true"`. */
      gpuNodeSelector?: { [label: string]: string };
    };
    /**
     * What "Create model" may create (besides the `maas.model.create` permission). Every refusal
     * names its key and the allowed values.
     */
    create?: {
      /**
       * Namespaces models may be created in. An entry without `groups` is open to everyone who
       * holds `maas.model.create`; with `groups`, to members of one of them (catalog refs, e.g.
       * `group:default/team-a`). Default: `maas.namespace` only, for everyone. `maxGpus` and
       * `maxCpu` cap what all models of the namespace ask for together (no cap when absent).
       */
      namespaces?: Array<{
        namespace: string;
        groups?: string[];
        maxGpus?: number;
        maxCpu?: string | number;
      }>;
      /** Allowed images; an entry ending in `*` allows every image it starts. */
      images?: {
        /** Default: `maas.serving.vllmImage` only. */
        vllm?: string[];
        /** Default: `maas.serving.simulatorImage` only. */
        simulator?: string[];
      };
      /** URI schemes a model's weights may come from, without `://`. Default `hf`, `s3`, `gs`, `oci`. */
      storageSchemes?: string[];
      /** The most GPUs one model may ask for. Default 4. */
      maxGpus?: number;
      /** The most CPU one model may ask for (a Kubernetes quantity). Default `16`. */
      maxCpu?: string | number;
      /** The most memory one model may ask for (a Kubernetes quantity). Default `64Gi`. */
      maxMemory?: string;
      /** Gateways a model's route may attach to. Default: `maas.gateway` only. */
      gateways?: Array<{ name: string; namespace: string }>;
    };
    cluster?: {
      /**
       * When true, "Create model" applies as the signed-in user (Kubernetes impersonation: the
       * user's entity ref, and their catalog groups), so that the API server's RBAC decides; the
       * portal's account then needs the `impersonate` verb on `users` and `groups`. Default false.
       */
      impersonateUsers?: boolean;
      /**
       * How a catalog ref becomes the impersonated Kubernetes name: `{ref}`, `{kind}`,
       * `{namespace}`, `{name}` (e.g. `oidc:{name}` where the API server's OIDC users carry a
       * prefix). Default `{ref}` for both.
       */
      impersonation?: { user?: string; group?: string };
    };
  };
}
