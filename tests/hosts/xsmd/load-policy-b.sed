# Load policy B: as A, but domU_t may setscheduler on xsmd_load_t, and
# setclaim while xsmd_load_b.
/^role system_r types domain_type;$/i type xsmd_load_t;\nrole system_r types xsmd_load_t;\nbool xsmd_load_b true;\nallow domU_t security_t:security { compute_av check_context };\nallow domU_t xsmd_load_t:domain2 setscheduler;\nif (xsmd_load_b) {\n\tallow domU_t xsmd_load_t:domain2 setclaim;\n}
