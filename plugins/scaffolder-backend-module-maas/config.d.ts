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
  };
}
