# Turns hooks-policy.conf into the class layout of a later Xen (4.22): the
# xen permissions privprofile and nonprivprofile and the xen2 permission
# get_cpu_levelling_caps are gone, so every later bit of those classes moves.
s/\<(non)?privprofile\>//g
s/\<get_cpu_levelling_caps\>//g
