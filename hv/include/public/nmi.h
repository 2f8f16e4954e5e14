/* nmi_op (hypercall 28). */
#ifndef HERON_PUBLIC_NMI_H
#define HERON_PUBLIC_NMI_H

#define XENNMI_register_callback    0
#define XENNMI_unregister_callback  1

#endif
