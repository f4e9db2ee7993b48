// The crossmesh stack program: typed config in, one component out, by the stack's role (`crossmesh:role`): a link
// (both ends, the default), an export (the exporting side, for several consumer meshes), or one consumer of an
// export. `pulumi up` per stack; each role's program is its own file (roles/).
import { stackRole } from "./config";
import { consumerStack } from "./roles/consumer";
import { exportStack } from "./roles/export";
import { linkStack } from "./roles/link";

const PROGRAMS = { link: linkStack, export: exportStack, consumer: consumerStack };

// The stack's outputs are the role's.
export = PROGRAMS[stackRole()]();
