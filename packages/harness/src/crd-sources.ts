/*
 * Pinned upstream CustomResourceDefinitions that the harness installs: URLs and SHA-256 sums only, never the
 * CRD content. Mirrors shared/crds/SOURCES.txt and shared/crds/SHA256SUMS. When ../shared/crds (next to the
 * repository) is absent, the harness downloads these files and checks them against the sums.
 */

export interface CrdSource {
  /** File name in shared/crds. */
  file: string;
  repo: string;
  tag: string;
  commit: string;
  path: string;
  url: string;
  sha256: string;
}

export const CRD_SOURCES: CrdSource[] = [
  {
    file: 'kserve-v0.15.2_serving.kserve.io_inferenceservices.yaml',
    repo: 'kserve/kserve',
    tag: 'v0.15.2',
    commit: 'd623ea29e4a7312e509829f9104209cd6f820268',
    path: 'config/crd/full/serving.kserve.io_inferenceservices.yaml',
    url: 'https://raw.githubusercontent.com/kserve/kserve/d623ea29e4a7312e509829f9104209cd6f820268/config/crd/full/serving.kserve.io_inferenceservices.yaml',
    sha256: '43bcb3aef9c6308135ef122f48800230058b710eae98c26ff03da29940525e4e',
  },
  {
    file: 'kserve-v0.15.2_serving.kserve.io_servingruntimes.yaml',
    repo: 'kserve/kserve',
    tag: 'v0.15.2',
    commit: 'd623ea29e4a7312e509829f9104209cd6f820268',
    path: 'config/crd/full/serving.kserve.io_servingruntimes.yaml',
    url: 'https://raw.githubusercontent.com/kserve/kserve/d623ea29e4a7312e509829f9104209cd6f820268/config/crd/full/serving.kserve.io_servingruntimes.yaml',
    sha256: '361eb7b56c3335e114cec9edc22ca1b40029cf0d487dad5a366baccaf3c66cd6',
  },
  {
    file: 'kserve-v0.15.2_serving.kserve.io_clusterservingruntimes.yaml',
    repo: 'kserve/kserve',
    tag: 'v0.15.2',
    commit: 'd623ea29e4a7312e509829f9104209cd6f820268',
    path: 'config/crd/full/serving.kserve.io_clusterservingruntimes.yaml',
    url: 'https://raw.githubusercontent.com/kserve/kserve/d623ea29e4a7312e509829f9104209cd6f820268/config/crd/full/serving.kserve.io_clusterservingruntimes.yaml',
    sha256: '2f81f42bcc4949664e1d983712a9f16d60f8befe45a1993a934d4b952ad7f2b3',
  },
  {
    file: 'gateway-api-v1.3.0-standard_gateway.networking.k8s.io_httproutes.yaml',
    repo: 'kubernetes-sigs/gateway-api',
    tag: 'v1.3.0',
    commit: '40be951cebe5cb3f0365fe6951403de4ff8b9f33',
    path: 'config/crd/standard/gateway.networking.k8s.io_httproutes.yaml',
    url: 'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/40be951cebe5cb3f0365fe6951403de4ff8b9f33/config/crd/standard/gateway.networking.k8s.io_httproutes.yaml',
    sha256: 'a4ecf600c7e0bfd3cdb24e6411938d9b330117a26675f303cc6d9a407cb257d1',
  },
  {
    file: 'gateway-api-v1.3.0-standard_gateway.networking.k8s.io_gateways.yaml',
    repo: 'kubernetes-sigs/gateway-api',
    tag: 'v1.3.0',
    commit: '40be951cebe5cb3f0365fe6951403de4ff8b9f33',
    path: 'config/crd/standard/gateway.networking.k8s.io_gateways.yaml',
    url: 'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/40be951cebe5cb3f0365fe6951403de4ff8b9f33/config/crd/standard/gateway.networking.k8s.io_gateways.yaml',
    sha256: 'c949e7c3951227b92a582817a7a660558ce0fb94c081da264b4e2bbe4a1e5387',
  },
  {
    file: 'gateway-api-v1.3.0-standard_gateway.networking.k8s.io_gatewayclasses.yaml',
    repo: 'kubernetes-sigs/gateway-api',
    tag: 'v1.3.0',
    commit: '40be951cebe5cb3f0365fe6951403de4ff8b9f33',
    path: 'config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml',
    url: 'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/40be951cebe5cb3f0365fe6951403de4ff8b9f33/config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml',
    sha256: '7c8ee2c1878d9dcc6ba106181e3d14d7eaa520ec070233d62f3aa0d674d19450',
  },
  {
    file: 'gateway-api-v1.3.0-standard_gateway.networking.k8s.io_referencegrants.yaml',
    repo: 'kubernetes-sigs/gateway-api',
    tag: 'v1.3.0',
    commit: '40be951cebe5cb3f0365fe6951403de4ff8b9f33',
    path: 'config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml',
    url: 'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/40be951cebe5cb3f0365fe6951403de4ff8b9f33/config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml',
    sha256: '7587b2e7e5b1b9a26717b3ef8142f64e6600637eadf481a6bd0031740644b495',
  },
  {
    file: 'kuadrant-operator-v1.3.0_kuadrant.io_authpolicies.yaml',
    repo: 'Kuadrant/kuadrant-operator',
    tag: 'v1.3.0',
    commit: 'efc2d3df03848de456e679f024300cdff1067871',
    path: 'config/crd/bases/kuadrant.io_authpolicies.yaml',
    url: 'https://raw.githubusercontent.com/Kuadrant/kuadrant-operator/efc2d3df03848de456e679f024300cdff1067871/config/crd/bases/kuadrant.io_authpolicies.yaml',
    sha256: '0b8ef7588c26ed78879c7bca7e34353e722a74b6fe7effe1391eda1729d36c6b',
  },
  {
    file: 'kuadrant-operator-v1.3.0_kuadrant.io_ratelimitpolicies.yaml',
    repo: 'Kuadrant/kuadrant-operator',
    tag: 'v1.3.0',
    commit: 'efc2d3df03848de456e679f024300cdff1067871',
    path: 'config/crd/bases/kuadrant.io_ratelimitpolicies.yaml',
    url: 'https://raw.githubusercontent.com/Kuadrant/kuadrant-operator/efc2d3df03848de456e679f024300cdff1067871/config/crd/bases/kuadrant.io_ratelimitpolicies.yaml',
    sha256: '4e37bf178e0486a6a728016bd2eb70a787dd944f7d46542f5bc5fda344c568ff',
  },
  {
    file: 'kuadrant-operator-v1.3.0_kuadrant.io_tokenratelimitpolicies.yaml',
    repo: 'Kuadrant/kuadrant-operator',
    tag: 'v1.3.0',
    commit: 'efc2d3df03848de456e679f024300cdff1067871',
    path: 'config/crd/bases/kuadrant.io_tokenratelimitpolicies.yaml',
    url: 'https://raw.githubusercontent.com/Kuadrant/kuadrant-operator/efc2d3df03848de456e679f024300cdff1067871/config/crd/bases/kuadrant.io_tokenratelimitpolicies.yaml',
    sha256: 'a6893f56c4f08d9aabc254658887739e6f2a9b494779925093f9bc93e67b3fd6',
  },
  {
    file: 'kuadrant-operator-v1.3.0_kuadrant.io_kuadrants.yaml',
    repo: 'Kuadrant/kuadrant-operator',
    tag: 'v1.3.0',
    commit: 'efc2d3df03848de456e679f024300cdff1067871',
    path: 'config/crd/bases/kuadrant.io_kuadrants.yaml',
    url: 'https://raw.githubusercontent.com/Kuadrant/kuadrant-operator/efc2d3df03848de456e679f024300cdff1067871/config/crd/bases/kuadrant.io_kuadrants.yaml',
    sha256: '154aae073fb7849b13f7cd7564cf88d2618f69ed51f0c95c62357e16c7089bc1',
  },
  {
    file: 'kuadrant-operator-v1.3.0_extensions.kuadrant.io_telemetrypolicies.yaml',
    repo: 'Kuadrant/kuadrant-operator',
    tag: 'v1.3.0',
    commit: 'efc2d3df03848de456e679f024300cdff1067871',
    path: 'config/crd/bases/extensions.kuadrant.io_telemetrypolicies.yaml',
    url: 'https://raw.githubusercontent.com/Kuadrant/kuadrant-operator/efc2d3df03848de456e679f024300cdff1067871/config/crd/bases/extensions.kuadrant.io_telemetrypolicies.yaml',
    sha256: '52fd373a079dee7e52d0f57735156601fdc06645d7bf7b396a52c654f3309b93',
  },
  {
    file: 'kuadrant-operator-v1.3.0_extensions.kuadrant.io_planpolicies.yaml',
    repo: 'Kuadrant/kuadrant-operator',
    tag: 'v1.3.0',
    commit: 'efc2d3df03848de456e679f024300cdff1067871',
    path: 'config/crd/bases/extensions.kuadrant.io_planpolicies.yaml',
    url: 'https://raw.githubusercontent.com/Kuadrant/kuadrant-operator/efc2d3df03848de456e679f024300cdff1067871/config/crd/bases/extensions.kuadrant.io_planpolicies.yaml',
    sha256: 'f2ec74e7259534b32b8440c859e411d3279230dcb35d99c8df89940e00aa31b1',
  },
];
